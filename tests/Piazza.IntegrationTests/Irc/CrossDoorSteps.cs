using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Irc;

/// <summary>Steps the cross-door IRC tests share: accounts on each door, and presence read whether or not it was coalesced.</summary>
public static class CrossDoorSteps
{
    /// <summary>Registers <paramref name="nick"/> as an account and logs it in over IRC with SASL PLAIN.</summary>
    public static async Task<IrcTestClient> IrcAccountAsync(this TestServer server, string nick, params string[] caps)
    {
        Assert.True((await server.Hub.RegisterForTokenAsync(nick, ProtocolSteps.Password, "127.0.0.1")).Succeeded);
        return await IrcTestClient.RegisterAsync(server, nick, ProtocolSteps.Password, caps);
    }

    /// <summary>Registers <paramref name="user"/> over the WebSocket door (as the web page does).</summary>
    public static async Task<RawClient> WebSocketAccountAsync(this TestServer server, string user)
    {
        var client = await RawClient.ConnectWebSocketAsync(server.HttpBase);
        var welcome = await ProtocolSteps.FirstAnswerAsync(client, new { type = "register", user, password = ProtocolSteps.Password });
        Assert.True(welcome.Type() == "welcome", $"{user} was not registered over WebSocket: {welcome.ToJsonString()}");
        client.Welcome = welcome;
        return client;
    }

    /// <summary>Logs an existing account in over the WebSocket door.</summary>
    public static async Task<RawClient> WebSocketLoginAsync(this TestServer server, string user)
    {
        var client = await RawClient.ConnectWebSocketAsync(server.HttpBase);
        var welcome = await ProtocolSteps.FirstAnswerAsync(client, new { type = "hello", user, password = ProtocolSteps.Password });
        Assert.True(welcome.Type() == "welcome", $"{user} was not welcomed over WebSocket: {welcome.ToJsonString()}");
        client.Welcome = welcome;
        return client;
    }

    /// <summary>JOINs a channel and reads up to its end of names.</summary>
    public static async Task JoinChannelAsync(this IrcTestClient irc, string channel)
    {
        await irc.SendAsync("JOIN " + channel);
        await irc.ExpectAsync(l => l.Command == "366" && string.Equals(l.Param(1), channel, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Reads until <paramref name="user"/> is seen joining <paramref name="room"/>, as a <c>joined</c> or in a <c>presence</c> frame.</summary>
    public static Task<JsonObject> ExpectJoinedAsync(this RawClient client, string room, string user)
        => client.ReadUntilAsync(f => Same(f.Str("room"), room)
            && ((f.Type() == "joined" && f.Str("user") == user) || (f.Type() == "presence" && Entries(f, "joined").Any(e => e.Str("user") == user))));

    /// <summary>Reads until <paramref name="user"/> is seen leaving <paramref name="room"/>; returns the leave reason.</summary>
    public static async Task<string?> ExpectLeftAsync(this RawClient client, string room, string user)
    {
        var frame = await client.ReadUntilAsync(f => Same(f.Str("room"), room)
            && ((f.Type() == "left" && f.Str("user") == user) || (f.Type() == "presence" && Entries(f, "left").Any(e => e.Str("user") == user))));
        return frame.Type() == "left" ? frame.Str("reason") : Entries(frame, "left").First(e => e.Str("user") == user).Str("reason");
    }

    /// <summary>Reads until a message with <paramref name="text"/> arrives.</summary>
    public static Task<JsonObject> ExpectMessageAsync(this RawClient client, string text)
        => client.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == text);

    /// <summary>The IRC line of <paramref name="command"/> from <paramref name="nick"/> whose first parameter is <paramref name="target"/>.</summary>
    public static Task<IrcLineParts> ExpectFromAsync(this IrcTestClient irc, string nick, string command, string target)
        => irc.ExpectAsync(l => l.Command == command && l.SourceNick == nick && string.Equals(l.Param(0), target, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<JsonObject> Entries(JsonObject frame, string list)
        => frame[list] is JsonArray entries ? entries.Select(e => e!.AsObject()) : [];

    private static bool Same(string? a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
