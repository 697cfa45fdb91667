using System.Net.Http.Headers;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh server per test with an <see cref="HttpClient"/> on its HTTP door: the setup the REST and file tests share.
/// A class changes the server through <see cref="Options"/>.
/// </summary>
public abstract class HttpServerTest : IAsyncLifetime
{
    protected TestServer Server { get; private set; } = null!;

    /// <summary>An anonymous client on <see cref="TestServer.HttpBase"/>.</summary>
    protected HttpClient Http { get; private set; } = null!;

    protected virtual TestServerOptions Options => new();

    /// <summary>How long one request may take; large uploads raise it.</summary>
    protected virtual TimeSpan RequestTimeout => TimeSpan.FromSeconds(100);

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(Options);
        Http = Server.CreateHttpClient();
        Http.Timeout = RequestTimeout;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}

public static class TestServerHttp
{
    /// <summary>A client on the server's HTTP door, sending <paramref name="token"/> as a bearer token when given.</summary>
    public static HttpClient CreateHttpClient(this TestServer server, string? token = null)
    {
        var http = new HttpClient { BaseAddress = server.HttpBase };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }
}
