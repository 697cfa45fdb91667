using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Tui;

/// <summary>/tokens, /token new|revoke, /sessions and /logout-others in the terminal client, and the [bot] tag: parsing and the real window headless.</summary>
[Collection(TuiCollection.Name)]
public sealed class TokensTuiTests
{
    [Fact]
    public void Token_commands_parse_and_bad_ones_are_usage_errors()
    {
        Assert.Equal(new ChatCommand.TokenCommand(TokenVerb.List), ChatCommand.Parse("/tokens"));
        Assert.Equal(new ChatCommand.TokenCommand(TokenVerb.Sessions), ChatCommand.Parse("/sessions"));
        Assert.Equal(new ChatCommand.TokenCommand(TokenVerb.LogoutOthers), ChatCommand.Parse("/logout-others"));
        Assert.Equal(new ChatCommand.TokenCommand(TokenVerb.Revoke, "ci"), ChatCommand.Parse("/token revoke ci"));
        var created = Assert.IsType<ChatCommand.TokenCommand>(ChatCommand.Parse("/token new ci read,send 30"));
        Assert.Equal((TokenVerb.New, "ci", 30), (created.Verb, created.Name, created.Days));
        Assert.Equal(["read", "send"], created.Scopes);
        Assert.IsType<ChatCommand.Usage>(ChatCommand.Parse("/token new ci"));
        Assert.IsType<ChatCommand.Usage>(ChatCommand.Parse("/token"));
        Assert.IsType<ChatCommand.Usage>(ChatCommand.Parse("/tokens now"));
    }

    [Fact]
    public void A_bot_line_carries_the_bot_tag()
    {
        var line = new ChatLine(new DateTime(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc), ChatLineKind.Message, "ci", "build green") { Bot = true };
        Assert.Contains("<ci> [bot] build green", line.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("[bot]", (line with { Bot = false }).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_window_creates_lists_and_revokes_a_token_lists_sessions_and_tags_a_bot()
    {
        await using var server = await TestServer.StartAsync();
        await using var bot = await FirstWelcomedBotAsync(server);
        await using var chat = await HeadlessChat.StartAsync(new ConnectSettings("127.0.0.1", server.Port, "alice") { Password = Password, Mode = LoginMode.Register }, width: 130, height: 34);
        var (ui, _) = chat;
        ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");
        ui.PumpUntil(() => ui.Screen.Contains("ci [bot]", StringComparison.Ordinal), "the bot tagged in the people list");

        await SendOkAsync(bot, "lobby", "build 7 passed", "b1");
        ui.PumpUntil(() => ui.Screen.Contains("<ci> [bot] build 7 passed", StringComparison.Ordinal), "the bot's message tagged");

        ui.Type("/token new deploy read,send");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("token deploy (read,send) created", StringComparison.Ordinal), "the created token");

        ui.Type("/tokens");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("deploy · read,send · created", StringComparison.Ordinal), "the token listed");

        ui.Type("/sessions");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("(this one)", StringComparison.Ordinal), "the current session marked");

        ui.Type("/token revoke deploy");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("token deploy revoked", StringComparison.Ordinal), "the revocation");

        ui.Type("/token revoke deploy");
        ui.App.InjectKey(Key.Enter);
        ui.PumpUntil(() => ui.Screen.Contains("no token named 'deploy'", StringComparison.Ordinal), "the refusal");
    }

    private static async Task<RawClient> FirstWelcomedBotAsync(TestServer server)
    {
        var client = await RawClient.ConnectAsync(server.Port);
        var welcome = await FirstAnswerAsync(client, new { type = "register", user = "ci", password = Password, bot = true });
        Assert.Equal("welcome", welcome.Type());
        return client;
    }
}
