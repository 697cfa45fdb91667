using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Piazza.Client;
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

    [Fact]
    public async Task Register_from_the_dialog_creates_the_account_and_errors_are_explained()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var bobClient = bob;

        using var ui = new HeadlessUi();
        using var login = new LoginWindow(ui.App, new ConnectSettings("127.0.0.1", server.Port, null));
        var session = ui.Begin(login);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("Password:", StringComparison.Ordinal), "the login form with a password field");

            // A guest cannot take a registered name: the dialog suggests logging in.
            ui.Type("bob");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => login.Message.Contains("is a registered name", StringComparison.Ordinal), "the name_reserved explanation");

            // A wrong password: auth_failed, focus on the (masked) password.
            ui.Type("wrong password");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => login.Message.Contains("Wrong name or password", StringComparison.Ordinal), "the auth_failed explanation");
            Assert.DoesNotContain("wrong password", ui.Screen, StringComparison.Ordinal);
            Assert.Null(login.Client);
        }
        finally
        {
            ui.App.End(session);
        }

        // Register a new name: name, Tab, password, then the Register button (Alt+R).
        using var register = new LoginWindow(ui.App, new ConnectSettings("127.0.0.1", server.Port, null));
        session = ui.Begin(register);
        try
        {
            ui.Type("dora");
            ui.App.InjectKey(Key.Tab);
            ui.Type("dora's secret 1");
            Assert.DoesNotContain("dora's secret", ui.Screen, StringComparison.Ordinal);
            ui.App.InjectKey(Key.R.WithAlt);
            ui.PumpUntil(() => register.Client is not null, "a registered, connected client", TimeSpan.FromSeconds(20));
            await using var client = register.Client!;
            Assert.Equal("dora", client.Welcome?.User);
            Assert.True(client.Welcome?.Registered);
            Assert.NotNull(client.Token);
            Assert.Equal(LoginMode.Register, register.Settings.Mode);
        }
        finally
        {
            ui.App.End(session);
        }

        // The account exists: logging in with its password works.
        await using var again = new PiazzaClient(new ConnectSettings("127.0.0.1", server.Port, "dora") { Password = "dora's secret 1" }.ToClientOptions(reconnect: false));
        var welcome = await again.ConnectAsync();
        Assert.True(welcome.Registered);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
