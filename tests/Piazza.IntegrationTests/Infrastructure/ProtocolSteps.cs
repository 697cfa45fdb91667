using System.Text.Json.Nodes;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>Protocol steps the account, room, private message and history tests share: log in, send, read history.</summary>
public static class ProtocolSteps
{
    /// <summary>A password long enough for the server's policy.</summary>
    public const string Password = "correct horse battery";

    /// <summary>Connects to <paramref name="server"/>'s native door as a guest; the welcome is on <see cref="RawClient.Welcome"/>.</summary>
    public static async Task<RawClient> GuestAsync(this TestServer server, string user)
        => (await RawClient.JoinAsync(server.Port, user)).Client;

    /// <summary>Connects and registers <paramref name="user"/>; the welcome (with its token) is on <see cref="RawClient.Welcome"/>.</summary>
    public static async Task<RawClient> RegisterAsync(this TestServer server, string user, string password = Password)
        => (await RegisterAsync(server.Port, user, password)).Client;

    /// <summary>Connects and logs in with a password; the welcome is on <see cref="RawClient.Welcome"/>.</summary>
    public static async Task<RawClient> LoginAsync(this TestServer server, string user, string password = Password)
        => (await LoginAsync(server.Port, user, password)).Client;

    /// <summary>Connects and logs in with a session token; the welcome is on <see cref="RawClient.Welcome"/>.</summary>
    public static async Task<RawClient> TokenLoginAsync(this TestServer server, string token)
        => (await TokenLoginAsync(server.Port, token)).Client;

    /// <summary>Connects and registers as the first frame; returns the welcome (fails the test on an error).</summary>
    public static async Task<(RawClient Client, JsonObject Welcome)> RegisterAsync(int port, string user, string password = Password)
    {
        var client = await RawClient.ConnectAsync(port);
        await client.SendAsync(new { type = "register", user, password });
        return (client, await ExpectWelcomeAsync(client));
    }

    /// <summary>Connects and logs in with a password; returns the welcome.</summary>
    public static async Task<(RawClient Client, JsonObject Welcome)> LoginAsync(int port, string user, string password = Password)
    {
        var client = await RawClient.ConnectAsync(port);
        await client.SendAsync(new { type = "hello", user, password });
        return (client, await ExpectWelcomeAsync(client));
    }

    /// <summary>Connects and logs in with a session token; returns the welcome.</summary>
    public static async Task<(RawClient Client, JsonObject Welcome)> TokenLoginAsync(int port, string token)
    {
        var client = await RawClient.ConnectAsync(port);
        await client.SendAsync(new { type = "hello", token });
        return (client, await ExpectWelcomeAsync(client));
    }

    /// <summary>Sends one frame on a fresh connection and returns the first welcome or error it gets.</summary>
    public static async Task<JsonObject> FirstAnswerAsync(RawClient client, object frame)
    {
        await client.SendAsync(frame);
        return await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
    }

    /// <summary>Sends a request with an id and returns the ok, error, history or pong frame that answers it.</summary>
    public static async Task<JsonObject> RequestAsync(RawClient client, object frame, string id, List<JsonObject>? skipped = null)
    {
        await client.SendAsync(frame);
        return await client.ReadUntilAsync(f => f.Str("re") == id && f.Type() is "ok" or "error" or "history" or "pong", skipped: skipped);
    }

    /// <summary>Sends a message and waits for its ok; fails the test on an error.</summary>
    public static async Task<JsonObject> SendOkAsync(RawClient client, string room, string text, string id)
    {
        var answer = await RequestAsync(client, new { type = "send", room, text, id }, id);
        AssertOk(answer);
        return answer;
    }

    /// <summary>Joins a room; returns the frames about that room that came before the ok (room state, history) and the ok.</summary>
    public static async Task<(List<JsonObject> Before, JsonObject Ok)> JoinRoomAsync(RawClient client, string room, string id = "j")
    {
        var before = new List<JsonObject>();
        var answer = await RequestAsync(client, new { type = "join", room, id }, id, before);
        AssertOk(answer);
        return ([.. before.Where(f => f.Str("room") is { } name && Same(name, room))], answer);
    }

    /// <summary>Reads frames until the room state and the history of <paramref name="room"/> arrived (after a login).</summary>
    public static async Task<(JsonObject Room, JsonObject History)> ReadEntryAsync(RawClient client, string room)
    {
        var roomFrame = await client.ReadUntilAsync(f => f.Type() == "room" && Same(f.Str("room"), room));
        var history = await client.ReadUntilAsync(f => f.Type() == "history" && f["re"] is null && Same(f.Str("room"), room));
        return (roomFrame, history);
    }

    public static void AssertOk(JsonObject answer)
        => Assert.True(answer.Type() == "ok", $"expected ok, got {answer.ToJsonString()}");

    public static void AssertError(JsonObject answer, string code)
        => Assert.True(answer.Type() == "error" && answer.Str("code") == code, $"expected error {code}, got {answer.ToJsonString()}");

    public static long Seq(this JsonObject frame) => frame["seq"]!.GetValue<long>();

    /// <summary>The seqs of a history frame's messages, in the order they came.</summary>
    public static List<long> Seqs(JsonObject history) => [.. history["messages"]!.AsArray().Select(m => m!["seq"]!.GetValue<long>())];

    public static List<string> Texts(JsonObject history) => [.. history["messages"]!.AsArray().Select(m => m!["text"]!.GetValue<string>())];

    public static List<string> Names(JsonArray users) => [.. users.Select(u => u!["user"]!.GetValue<string>())];

    /// <summary>Seqs <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public static List<long> Range(long first, long last) => [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (long)i)];

    private static bool Same(string? a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static async Task<JsonObject> ExpectWelcomeAsync(RawClient client)
    {
        var answer = await client.ReadUntilAsync(f => f.Type() is "welcome" or "error");
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return answer;
    }
}
