using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>Private rooms in the terminal client, headless against a real server: /create --private, the list's mark, /invite, the invited notice, /private.</summary>
[Collection(TuiCollection.Name)]
public sealed class PrivateRoomTuiTests
{
    [Fact]
    public async Task Create_private_makes_a_marked_private_room_invite_tells_bob_who_joins_from_the_notice_and_private_off_unmarks_it()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = ProtocolSteps.Password, Mode = LoginMode.Register };
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();
        using var ui = new HeadlessUi(width: 110, height: 32);
        using var window = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(window);
        try
        {
            ui.PumpUntil(() => window.State.Lines.Any(l => l.Text.StartsWith("connected as alice", StringComparison.Ordinal)), "the welcome line");

            Run(ui, "/create ops --private");
            ui.PumpUntil(() => window.State.Current.Id == "ops" && ui.Screen.Contains("▸ops*", StringComparison.Ordinal), "the private room, marked in the list");

            Run(ui, "/invite bob");
            ui.PumpUntil(() => ui.Screen.Contains("invited bob to ops", StringComparison.Ordinal), "the invitation confirmed");
            var invited = await bob.ReadUntilAsync(f => f.Type() == "invited");
            Assert.Equal(("ops", "alice"), (invited.Str("room"), invited.Str("by")));
            ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "join", room = "ops", id = "j" }, "j"));

            Run(ui, "/private off");
            ui.PumpUntil(() => ui.Screen.Contains("alice made this room public", StringComparison.Ordinal) && ui.Screen.Contains("▸ops ", StringComparison.Ordinal), "the room unmarked");

            Run(ui, "/private maybe");
            ui.PumpUntil(() => ui.Screen.Contains("usage: /private on|off", StringComparison.Ordinal), "the usage");
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task An_invitation_shows_a_notice_offering_join_and_the_join_enters_the_private_room()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(alice, new { type = "join", room = "ops", @private = true, id = "j" }, "j"));
        var settings = new ConnectSettings("127.0.0.1", server.Port, "bob") { Password = ProtocolSteps.Password, Mode = LoginMode.Register };
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();
        using var ui = new HeadlessUi(width: 110, height: 32);
        using var window = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(window);
        try
        {
            ui.PumpUntil(() => window.State.Lines.Any(l => l.Text.StartsWith("connected as bob", StringComparison.Ordinal)), "the welcome line");
            Run(ui, "/join ops");
            ui.PumpUntil(() => ui.Screen.Contains("there is no room 'ops'", StringComparison.Ordinal), "the refusal, as for a missing room");

            ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(alice, new { type = "invite", room = "ops", user = "bob", id = "i" }, "i"));
            ui.PumpUntil(() => ui.Screen.Contains("alice invited you to ops: type /join ops to enter", StringComparison.Ordinal), "the invited notice");
            Run(ui, "/join ops");
            ui.PumpUntil(() => window.State.Current.Id == "ops" && ui.Screen.Contains("▸ops*", StringComparison.Ordinal), "the private room entered");
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Theory]
    [InlineData("/create ops --private", "CreatePrivate { Room = ops }")]
    [InlineData("/create #ops --private", "CreatePrivate { Room = ops }")]
    [InlineData("/create ops", "Usage { Syntax = /create ROOM --private }")]
    [InlineData("/invite @bob", "Invite { User = bob, Withdraw = False }")]
    [InlineData("/uninvite bob", "Invite { User = bob, Withdraw = True }")]
    [InlineData("/private on", "MakePrivate { Private = True }")]
    [InlineData("/private off", "MakePrivate { Private = False }")]
    [InlineData("/private", "Usage { Syntax = /private on|off }")]
    public void The_private_room_commands_parse(string input, string expected)
        => Assert.Equal(expected, ChatCommand.Parse(input).ToString());

    private static void Run(HeadlessUi ui, string line)
    {
        ui.Type(line);
        ui.App.InjectKey(Key.Enter);
    }
}
