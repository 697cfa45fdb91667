using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The login window, headless: connecting, a taken name asked again, an unreachable server offered a retry.</summary>
[Collection(TuiCollection.Name)]
public sealed class LoginWindowTests
{
    [Fact]
    public async Task Taken_name_is_explained_and_a_new_name_connects()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;

        using var ui = new HeadlessUi();
        using var login = new LoginWindow(ui.App, new ConnectSettings("127.0.0.1", server.Port, null));
        var session = ui.Begin(login);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("Name:", StringComparison.Ordinal), "the login form");
            ui.Type("bob");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("The name 'bob' is taken", StringComparison.Ordinal), "the name_taken explanation");
            Assert.Null(login.Client);

            // The name field has focus with its text selected, so typing replaces it.
            ui.Type("alice");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => login.Client is not null, "a connected client");
            await using var client = login.Client!;
            Assert.Equal("alice", client.Welcome?.User);
            var joined = await bob.ReadUntilAsync(f => f.Type() == "joined");
            Assert.Equal("alice", joined.Str("user"));
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task Unreachable_server_is_explained_and_retry_connects_once_it_is_up()
    {
        var port = FreePort();
        using var ui = new HeadlessUi();
        using var login = new LoginWindow(ui.App, new ConnectSettings("127.0.0.1", port, "alice"));
        var session = ui.Begin(login);
        try
        {
            login.StartConnect();
            ui.PumpUntil(() => ui.Screen.Contains("Cannot connect", StringComparison.Ordinal), "the unreachable explanation");
            Assert.Contains("retry", login.Message, StringComparison.Ordinal);
            Assert.Null(login.Client);

            // The server comes up on that port; focus is on Connect, so Enter retries.
            await using var server = await TestServer.StartAsync(("Port", port.ToString(CultureInfo.InvariantCulture)));
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => login.Client is not null, "a connected client after retry");
            await using var client = login.Client!;
            Assert.Equal("alice", client.Welcome?.User);
        }
        finally
        {
            ui.App.End(session);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
