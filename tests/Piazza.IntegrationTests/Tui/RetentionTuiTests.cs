using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>A room's retention in the terminal client, headless against a real server: the notice line and <c>/topic</c>.</summary>
[Collection(TuiCollection.Name)]
public sealed class RetentionTuiTests
{
    [Fact]
    public async Task The_owners_change_shows_a_line_in_the_room_and_topic_says_how_long_messages_are_kept()
    {
        await using var server = await TestServer.StartAsync(("Hub:Retention:Days", "90"));
        await using var alice = await server.RegisterAsync("alice");
        await ProtocolSteps.JoinRoomAsync(alice, "dev");
        var settings = new ConnectSettings("127.0.0.1", server.Port, "bob") { Password = ProtocolSteps.Password, Mode = LoginMode.Register };
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();
        using var ui = new HeadlessUi(width: 110, height: 32);
        using var window = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(window);
        try
        {
            ui.PumpUntil(() => window.State.Lines.Any(l => l.Text.StartsWith("connected as bob", StringComparison.Ordinal)), "the welcome line");
            Run(ui, "/join dev");
            ui.PumpUntil(() => window.State.Current.Id == "dev", "the room entered");
            Run(ui, "/topic");
            ui.PumpUntil(() => ui.Screen.Contains("dev keeps messages for 90 days (the server's setting)", StringComparison.Ordinal), "the server's retention");

            ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = 30, id = "r" }, "r"));
            ui.PumpUntil(() => ui.Screen.Contains("alice set dev to keep messages for 30 days", StringComparison.Ordinal), "the notice line");
            Run(ui, "/topic");
            ui.PumpUntil(() => ui.Screen.Contains("dev keeps messages for 30 days (the room's own setting)", StringComparison.Ordinal), "the room's retention");

            ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(alice, new { type = "room_set", room = "dev", retentionDays = 0, id = "r2" }, "r2"));
            ui.PumpUntil(() => ui.Screen.Contains("alice set dev to keep messages for good", StringComparison.Ordinal), "the for-good notice");
        }
        finally
        {
            ui.App.End(session);
        }
    }

    private static void Run(HeadlessUi ui, string line)
    {
        ui.Type(line);
        ui.App.InjectKey(Key.Enter);
    }
}
