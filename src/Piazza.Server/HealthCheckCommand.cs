using System.CommandLine;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Piazza.Server.Options;

namespace Piazza.Server;

/// <summary>
/// <c>piazza-server healthcheck [--url URL]</c>: GETs /healthz and exits 0 when it answers 200, else 1, so a container
/// image needs no curl for its HEALTHCHECK. Without --url it asks this machine's HTTP door, found from the same
/// appsettings.json and <c>PIAZZA_*</c> variables the server reads.
/// </summary>
public static class HealthCheckCommand
{
    public const int Healthy = 0;
    public const int Unhealthy = 1;

    public static Command Create()
    {
        var url = new Option<string?>("--url") { Description = "the address to ask (default: http://127.0.0.1:HTTP-PORT/healthz from the server's options)" };
        var timeout = new Option<double>("--timeout")
        {
            Description = "seconds to wait for the answer",
            DefaultValueFactory = _ => 5,
        };
        var command = new Command("healthcheck", "exit 0 when the server's /healthz answers 200, else 1 (for container health checks)") { url, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Uri target;
            try
            {
                target = parse.GetValue(url) is { } given
                    ? Uri.TryCreate(given, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https" ? parsed : throw new FormatException($"--url {given}: must be an http or https address")
                    : DefaultUrl(OptionBinder.Bind(ServerConfiguration()).Options);
            }
            catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or FormatException)
            {
                await System.Console.Error.WriteLineAsync($"piazza-server healthcheck: {ex.Message}").ConfigureAwait(false);
                return Unhealthy;
            }

            return await CheckAsync(target, TimeSpan.FromSeconds(Math.Max(0.1, parse.GetValue(timeout))), System.Console.Out, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    /// <summary>One GET; says in a line what it saw.</summary>
    public static async Task<int> CheckAsync(Uri url, TimeSpan timeout, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(output);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = timeout };
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"{url}: {(int)response.StatusCode} {response.ReasonPhrase}").ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.OK ? Healthy : Unhealthy;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await output.WriteLineAsync($"{url}: no answer ({ex.Message})").ConfigureAwait(false);
            return Unhealthy;
        }
    }

    /// <summary>/healthz on this machine's HTTP door: the bound address, or loopback when it listens on every address.</summary>
    public static Uri DefaultUrl(PiazzaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Network.HttpPort <= 0)
        {
            throw new InvalidOperationException("the HTTP door is off or on a port picked at start (--http-port 0); give --url");
        }

        var host = options.Network.Bind switch
        {
            "" or "*" or "localhost" => "127.0.0.1",
            var bind when IPAddress.TryParse(bind, out var address) && address.Equals(IPAddress.Any) => "127.0.0.1",
            var bind when IPAddress.TryParse(bind, out var address) && address.Equals(IPAddress.IPv6Any) => "[::1]",
            var bind when IPAddress.TryParse(bind, out var address) && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 => $"[{address}]",
            var bind => bind,
        };
        return new Uri($"http://{host}:{options.Network.HttpPort}/healthz");
    }

    /// <summary>The server's own sources, minus flags: appsettings.json beside the executable, then <c>PIAZZA_*</c>.</summary>
    private static IConfigurationRoot ServerConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .Add(LabeledSource.FromEnvironment())
        .Build();
}
