using System.Net;
using System.Net.Sockets;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The terminal UI with a cluster's servers: the login window's list and the status line's server, headless.</summary>
[Collection(TuiCollection.Name)]
public sealed class ServerListTuiTests
{
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task The_login_window_shows_the_server_list_and_connects_to_the_first_that_answers()
    {
        await using var server = await TestServer.StartAsync();
        var closed = ClosedPort();
        var settings = new ConnectSettings("127.0.0.1", closed, "alice") { Servers = [new ServerEndpoint("127.0.0.1", closed), new ServerEndpoint("127.0.0.1", server.Port)] };

        using var ui = new HeadlessUi();
        using var login = new LoginWindow(ui.App, settings);
        var session = ui.Begin(login);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains($"127.0.0.1:{closed},127.0.0.1:{server.Port}", StringComparison.Ordinal), "the server list in its field");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => login.Client is not null, "a connected client");
            await using var client = login.Client!;
            Assert.Equal(server.Port, client.ConnectedServer!.Port);
            Assert.Equal(settings.Servers, login.Settings.Servers);
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public void A_bad_server_in_the_login_window_is_explained_and_nothing_connects()
    {
        using var ui = new HeadlessUi();
        using var login = new LoginWindow(ui.App, new ConnectSettings("host:notaport", 7070, "alice"));
        var session = ui.Begin(login);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("host:notaport", StringComparison.Ordinal), "the login form");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => login.Message.Contains("'notaport' is not a number", StringComparison.Ordinal), "the explanation");
            Assert.StartsWith("Servers: 'host:notaport' has no valid port", login.Message, StringComparison.Ordinal);
            Assert.Null(login.Client);
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task The_status_line_names_the_server_and_follows_a_failover()
    {
        var a = await TestServer.StartAsync();
        await using var b = await TestServer.StartAsync();
        var settings = new ConnectSettings("127.0.0.1", a.Port, "alice") { Servers = [new ServerEndpoint("127.0.0.1", a.Port), new ServerEndpoint("127.0.0.1", b.Port)] };
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true) with { InitialBackoff = TimeSpan.FromMilliseconds(50) });
        await client.ConnectAsync();

        using var ui = new HeadlessUi();
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains($"Connected to 127.0.0.1:{a.Port} as alice", StringComparison.Ordinal), "the status line naming a");

            await a.DisposeAsync();

            ui.PumpUntil(() => ui.Screen.Contains($"Connected to 127.0.0.1:{b.Port} as alice", StringComparison.Ordinal), "the status line naming b");
            Assert.Contains($"reconnected to 127.0.0.1:{b.Port}", ui.Screen, StringComparison.Ordinal);
        }
        finally
        {
            ui.App.End(session);
        }
    }
}
