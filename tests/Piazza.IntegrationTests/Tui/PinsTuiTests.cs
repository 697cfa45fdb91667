using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>Pins in the terminal client, headless against a real server: /pin N marks the line, /pins lists, /unpin N.</summary>
[Collection(TuiCollection.Name)]
public sealed class PinsTuiTests
{
    [Fact]
    public async Task Pin_marks_the_line_pins_lists_the_pinned_messages_and_unpin_takes_the_mark_off()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _bob = bob;
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = ProtocolSteps.Password, Mode = LoginMode.Register });
        var (ui, window) = chat;
        Run(ui, "/join dev");
        ui.PumpUntil(() => window.State.Current.Id == "dev", "dev shown");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(bob, new { type = "join", room = "dev", id = "j" }, "j"));
        var first = await ProtocolSteps.SendOkAsync(bob, "dev", "deploy friday", "b1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "coffee?", "b2");
        ui.PumpUntil(() => ui.Screen.Contains("coffee?", StringComparison.Ordinal), "bob's messages");

        Run(ui, $"/pin {first.Seq()}");
        ui.PumpUntil(() => ui.Screen.Contains("<bob> [pinned] deploy friday", StringComparison.Ordinal), "the pinned line marked");
        ui.PumpUntil(() => ui.Screen.Contains($"alice pinned #{first.Seq()}", StringComparison.Ordinal), "who pinned it");
        Assert.DoesNotContain("[pinned] coffee?", ui.Screen, StringComparison.Ordinal);
        var heard = await bob.ReadUntilAsync(f => f.Type() == "pinned");
        Assert.Equal(first.Str("msg"), heard.Str("msg"));

        Run(ui, "/pins");
        ui.PumpUntil(() => ui.Screen.Contains("pinned in dev (1, newest first):", StringComparison.Ordinal), "the list's heading");
        ui.PumpUntil(() => ui.Screen.Contains($"#{first.Seq()} <bob> deploy friday", StringComparison.Ordinal), "the pinned message listed");

        Run(ui, "/pin 99");
        ui.PumpUntil(() => ui.Screen.Contains("no message #99 shown in dev", StringComparison.Ordinal), "a seq not shown");
        Run(ui, "/pin x");
        ui.PumpUntil(() => ui.Screen.Contains("usage: /pin N", StringComparison.Ordinal), "the usage");

        Run(ui, $"/unpin #{first.Seq()}");
        ui.PumpUntil(() => ui.Screen.Contains($"alice unpinned #{first.Seq()}", StringComparison.Ordinal), "the unpin said");
        ui.PumpUntil(() => !ui.Screen.Contains("[pinned]", StringComparison.Ordinal), "the mark gone");
        Run(ui, "/pins");
        ui.PumpUntil(() => ui.Screen.Contains("nothing is pinned in dev", StringComparison.Ordinal), "an empty list");
    }

    [Fact]
    public async Task A_member_is_told_why_pin_was_refused_and_entering_a_room_marks_what_was_pinned_before()
    {
        await using var server = await TestServer.StartAsync();
        var (owner, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var _owner = owner;
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(owner, new { type = "join", room = "dev", id = "j" }, "j"));
        var pinned = await ProtocolSteps.SendOkAsync(owner, "dev", "read the rules", "b1");
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(owner, new { type = "pin", room = "dev", msg = pinned.Str("msg"), id = "p" }, "p"));

        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = ProtocolSteps.Password, Mode = LoginMode.Register });
        var (ui, window) = chat;
        Run(ui, "/join dev");
        ui.PumpUntil(() => ui.Screen.Contains("<bob> [pinned] read the rules", StringComparison.Ordinal), "the pinned line marked on entering");
        Run(ui, $"/unpin {pinned.Seq()}");
        ui.PumpUntil(() => ui.Screen.Contains($"/unpin #{pinned.Seq()} failed", StringComparison.Ordinal), "the refusal");
        Assert.Contains("[pinned] read the rules", ui.Screen, StringComparison.Ordinal);
    }

    private static void Run(HeadlessUi ui, string line)
    {
        ui.Type(line);
        ui.App.InjectKey(Key.Enter);
    }
}
