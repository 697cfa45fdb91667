using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>Steps the cross-node tests share: accounts on any door, joining, collecting messages, reading history over REST.</summary>
public static class ClusterSteps
{
    /// <summary>Registers over the WebSocket door of <paramref name="node"/>; the welcome (with its token) is on <see cref="RawClient.Welcome"/>.</summary>
    public static async Task<RawClient> RegisterOverWebSocketAsync(this ClusterNode node, string user)
    {
        var client = await node.ConnectWebSocketAsync();
        var welcome = await ProtocolSteps.FirstAnswerAsync(client, new { type = "register", user, password = ProtocolSteps.Password });
        Assert.True(welcome.Type() == "welcome", $"{user} was not registered over WebSocket: {welcome.ToJsonString()}");
        client.Welcome = welcome;
        return client;
    }

    /// <summary>Registers over REST on <paramref name="node"/> and returns the session token.</summary>
    public static async Task<string> RegisterOverHttpAsync(this ClusterNode node, string user)
    {
        using var http = node.CreateHttpClient();
        using var response = await http.PostAsJsonAsync("/api/register", new { user, password = ProtocolSteps.Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
    }

    /// <summary>Logs in with <paramref name="token"/> on the native door of <paramref name="node"/>, joins <paramref name="room"/> and disconnects (an account's rooms are stored).</summary>
    public static async Task JoinWithTokenAsync(this ClusterNode node, string token, string room)
    {
        await using var client = (await ProtocolSteps.TokenLoginAsync(node.Port, token)).Client;
        await ProtocolSteps.JoinRoomAsync(client, room);
    }

    /// <summary>Reads until <paramref name="count"/> live messages of <paramref name="room"/> arrived; returns them in arrival order.</summary>
    public static async Task<List<JsonObject>> ReadMessagesAsync(this RawClient client, string room, int count)
    {
        var messages = new List<JsonObject>();
        while (messages.Count < count)
        {
            var frame = await client.ReadUntilAsync(f => f.Type() is "message" or "error");
            Assert.True(frame.Type() == "message", $"expected a message, got {frame.ToJsonString()}");
            if (string.Equals(frame.Str("room"), room, StringComparison.OrdinalIgnoreCase))
            {
                messages.Add(frame);
            }
        }

        return messages;
    }

    /// <summary>Every message of a room (or, with <paramref name="conversationWith"/>, a private conversation) over REST, paged by <c>after</c>.</summary>
    public static async Task<List<JsonObject>> HistoryOverHttpAsync(this ClusterNode node, string token, string? room, string? conversationWith = null)
    {
        using var http = node.CreateHttpClient(token);
        var path = room is not null ? $"/api/rooms/{Uri.EscapeDataString(room)}/messages" : $"/api/conversations/{Uri.EscapeDataString(conversationWith!)}/messages";
        var all = new List<JsonObject>();
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"{path}?after={all.Count}&limit=500", UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} on {node}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var page = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
            if (page.Count == 0)
            {
                return all;
            }

            all.AddRange(page);
        }
    }

    /// <summary>Posts a message over REST on <paramref name="node"/>; returns the 201 answer (<c>msg</c>, <c>seq</c>).</summary>
    public static async Task<JsonObject> PostOverHttpAsync(this ClusterNode node, string token, string room, string text, string id)
    {
        using var http = node.CreateHttpClient(token);
        using var response = await http.PostAsJsonAsync($"/api/rooms/{Uri.EscapeDataString(room)}/messages", new { text, id });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST to {room} on {node}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    /// <summary>The users a <c>who</c> on <paramref name="client"/> lists for <paramref name="room"/>.</summary>
    public static async Task<List<string>> WhoAsync(this RawClient client, string room)
    {
        var id = "who-" + Guid.NewGuid().ToString("N")[..8];
        var answer = await ProtocolSteps.RequestAsync(client, new { type = "who", room, id }, id);
        ProtocolSteps.AssertOk(answer);
        return ProtocolSteps.Names(answer["users"]!.AsArray());
    }
}
