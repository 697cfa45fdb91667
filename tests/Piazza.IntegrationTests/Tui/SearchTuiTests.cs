using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Tui;

/// <summary>/search in the terminal client: parsing, usage, the line format, and the real window headless against a server.</summary>
[Collection(TuiCollection.Name)]
public sealed class SearchTuiTests
{
    [Fact]
    public void Search_parses_and_without_text_is_a_usage_error()
    {
        Assert.Equal(new ChatCommand.Search("deploy \"on friday\" from:bob"), ChatCommand.Parse("/search deploy \"on friday\" from:bob"));
        Assert.Equal(new ChatCommand.Search("x"), ChatCommand.Parse("/find x"));
        Assert.Equal(new ChatCommand.Usage("/search TEXT"), ChatCommand.Parse("/search"));
        Assert.Equal(new ChatCommand.Usage("/search TEXT"), ChatCommand.Parse("/search   "));
    }

    [Fact]
    public void A_result_line_is_seq_room_sender_and_the_snippet_with_matches_bracketed()
    {
        var result = new SearchResult(new ChatMessage("dev", 12, "m", "bob", null, "we deploy on friday", null), "we \u0002deploy\u0003 on \u0002friday\u0003");
        Assert.Equal("#12 dev <bob> we [[deploy]] on [[friday]]", ChatController.FormatResult(result));
    }

    [Fact]
    public async Task The_window_shows_results_as_system_lines_and_refusals_as_errors()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await SendOkAsync(bob, "lobby", "we deploy on friday", "m1");
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice"), width: 110, height: 30);
        var (ui, _) = chat;
        ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");

        ui.Type("/search deploy");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("lobby <bob> we [[deploy]] on friday", StringComparison.Ordinal), "the result line");

        ui.Type("/search");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("/search TEXT", StringComparison.Ordinal), "the usage line");

        ui.Type("/search NEAR(");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("parentheses", StringComparison.Ordinal), "the refusal");
    }
}
