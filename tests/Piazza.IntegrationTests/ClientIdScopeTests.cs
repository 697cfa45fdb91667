using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>
/// A client id is scoped per sender and conversation (docs/protocol.md, "Idempotent sends"): the same id in another
/// conversation is a new message, never a duplicate of the first; the same id in the same conversation with other
/// content is refused as <c>conflict</c>, never answered as a duplicate of another message. One suite on every door
/// that carries <c>send</c> (<see cref="ClientIdScopeTcpTests"/>, <see cref="ClientIdScopeWebSocketTests"/>).
/// </summary>
public abstract class ClientIdScopeTests
{
    /// <summary>Opens a connection through the door under test.</summary>
    protected abstract Task<RawClient> ConnectAsync(TestServer server);

    [Fact]
    public async Task The_same_id_in_two_rooms_and_a_private_conversation_is_three_messages()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await HelloAsync(server, new { type = "register", user = "alice", password = Password });
        await using var bob = await HelloAsync(server, new { type = "register", user = "bob", password = Password });
        await JoinRoomAsync(alice, "dev");

        var inLobby = await SendOkAsync(alice, "lobby", "to the lobby", "X");
        var inDev = await SendOkAsync(alice, "dev", "to dev", "X");
        var direct = await RequestAsync(alice, new { type = "send", to = "bob", text = "to bob", id = "X" }, "X");
        AssertOk(direct);

        Assert.Equal([null, null, null], new[] { inLobby["duplicate"], inDev["duplicate"], direct["duplicate"] });
        Assert.Equal(3, new[] { inLobby.Str("msg"), inDev.Str("msg"), direct.Str("msg") }.Distinct().Count());
        Assert.Equal("dev", inDev.Str("room"));
        var history = await RequestAsync(alice, new { type = "history", room = "dev", id = "h" }, "h");
        Assert.Contains(history["messages"]!.AsArray(), m => m!["text"]!.GetValue<string>() == "to dev");
        var received = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "to bob");
        Assert.Equal(direct.Str("msg"), received.Str("id") ?? direct.Str("msg"));
    }

    [Fact]
    public async Task The_same_id_with_other_text_or_reply_is_refused_as_conflict_and_a_true_retry_is_still_a_duplicate()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await HelloAsync(server, new { type = "register", user = "alice", password = Password });
        var original = await SendOkAsync(alice, "lobby", "hello", "X");
        var other = await SendOkAsync(alice, "lobby", "another", "Y");

        var changed = await RequestAsync(alice, new { type = "send", room = "lobby", text = "hello?", id = "X" }, "X");
        AssertError(changed, "conflict");
        var replying = await RequestAsync(alice, new { type = "send", room = "lobby", text = "hello", reply = other.Str("msg"), id = "X" }, "X");
        AssertError(replying, "conflict");

        var retry = await SendOkAsync(alice, "lobby", "hello", "X");
        Assert.True(retry["duplicate"]!.GetValue<bool>());
        Assert.Equal((original.Str("msg"), original.Seq()), (retry.Str("msg"), retry.Seq()));

        // Nothing was stored for the refused sends, and the connection goes on.
        var next = await SendOkAsync(alice, "lobby", "after", "Z");
        Assert.Equal(other.Seq() + 1, next.Seq());
    }

    [Fact]
    public async Task A_conflict_is_recognised_after_a_restart_from_the_store()
    {
        var server = await TestServer.StartAsync();
        var folder = server.DataDirectory;
        try
        {
            var alice = await HelloAsync(server, new { type = "register", user = "alice", password = Password });
            var original = await SendOkAsync(alice, "lobby", "before the restart", "X");
            await alice.DisposeAsync();
            await server.StopKeepingDataAsync();

            server = await TestServer.StartInAsync(folder, new TestServerOptions());
            await using var again = await HelloAsync(server, new { type = "hello", user = "alice", password = Password });
            AssertError(await RequestAsync(again, new { type = "send", room = "lobby", text = "something else", id = "X" }, "X"), "conflict");
            var retry = await SendOkAsync(again, "lobby", "before the restart", "X");
            Assert.Equal((true, original.Str("msg")), (retry["duplicate"]!.GetValue<bool>(), retry.Str("msg")));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_guest_is_deduplicated_and_refused_by_its_own_identity()
    {
        await using var server = await TestServer.StartAsync();
        await using var gus = await HelloAsync(server, new { type = "hello", user = "gus" });
        await using var ann = await HelloAsync(server, new { type = "hello", user = "ann" });

        var original = await SendOkAsync(gus, "lobby", "guest words", "G");
        var retry = await SendOkAsync(gus, "lobby", "guest words", "G");
        Assert.Equal((true, original.Str("msg")), (retry["duplicate"]!.GetValue<bool>(), retry.Str("msg")));
        AssertError(await RequestAsync(gus, new { type = "send", room = "lobby", text = "other words", id = "G" }, "G"), "conflict");

        // Another guest's same id is their own message.
        var theirs = await SendOkAsync(ann, "lobby", "other words", "G");
        Assert.Null(theirs["duplicate"]);
        Assert.NotEqual(original.Str("msg"), theirs.Str("msg"));
    }

    private async Task<RawClient> HelloAsync(TestServer server, object hello)
    {
        var client = await ConnectAsync(server);
        var answer = await FirstAnswerAsync(client, hello);
        Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");
        client.Welcome = answer;
        return client;
    }
}

/// <summary>The client id scope suite over the native TCP door.</summary>
public sealed class ClientIdScopeTcpTests : ClientIdScopeTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectAsync(server.Port);
}

/// <summary>The client id scope suite over the WebSocket door.</summary>
public sealed class ClientIdScopeWebSocketTests : ClientIdScopeTests
{
    protected override Task<RawClient> ConnectAsync(TestServer server) => RawClient.ConnectWebSocketAsync(server.HttpBase);
}

/// <summary>The same rules through REST: <c>POST …/messages</c> with an <c>id</c>.</summary>
public sealed class ClientIdScopeHttpTests : HttpServerTest
{
    [Fact]
    public async Task The_same_id_in_two_rooms_is_two_messages_and_other_text_in_the_same_room_is_409_conflict()
    {
        using var register = await Http.PostAsJsonAsync("/api/register", new { user = "bot", password = Password });
        var token = JsonNode.Parse(await register.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        await using (var joiner = await Server.TokenLoginAsync(token))
        {
            await JoinRoomAsync(joiner, "builds");
        }

        using var bot = Server.CreateHttpClient(token);
        var lobby = await SendAsync(bot, "lobby", "deployed", HttpStatusCode.Created);
        var builds = await SendAsync(bot, "builds", "deployed", HttpStatusCode.Created);
        Assert.NotEqual(lobby["msg"]!.GetValue<string>(), builds["msg"]!.GetValue<string>());
        Assert.Equal(("builds", false), (builds["room"]!.GetValue<string>(), builds["duplicate"]!.GetValue<bool>()));

        var conflict = await SendAsync(bot, "builds", "failed", HttpStatusCode.Conflict);
        Assert.Equal("conflict", conflict["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(conflict["message"]!.GetValue<string>()));

        var retry = await SendAsync(bot, "builds", "deployed", HttpStatusCode.OK);
        Assert.Equal((true, builds["msg"]!.GetValue<string>()), (retry["duplicate"]!.GetValue<bool>(), retry["msg"]!.GetValue<string>()));
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, string room, string text, HttpStatusCode expected)
    {
        using var response = await http.PostAsJsonAsync($"/api/rooms/{room}/messages", new { text, id = "build-42" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }
}
