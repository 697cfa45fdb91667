using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Replies;

/// <summary>Replies through the client library (<c>SendAsync(…, reply:)</c>, <see cref="ChatMessage.Reply"/>) and REST.</summary>
public sealed class ReplyClientAndHttpTests
{
    [Fact]
    public async Task SendAsync_with_reply_quotes_the_message_and_ChatMessage_Reply_carries_the_quote_live_and_in_history()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob" });
        await alice.ConnectAsync();
        await bob.ConnectAsync();

        var original = await bob.SendAsync("lobby", "deploy on friday?");
        var original2 = (await alice.NextAsync<MessageReceived>(e => e.Message.Seq == original.Seq)).Message;
        var sent = await alice.SendAsync("lobby", "yes", reply: original2.Id);
        var heard = (await bob.NextAsync<MessageReceived>(e => e.Message.Seq == sent.Seq)).Message;
        Assert.Equal(new MessageQuote(original.MessageId, original.Seq, "bob", "deploy on friday?", false), heard.Reply);
        Assert.Null(original2.Reply);

        var history = await bob.HistoryAsync("lobby");
        Assert.Equal(original.MessageId, history.Single(m => m.Seq == sent.Seq).Reply!.MessageId);

        var error = await Assert.ThrowsAsync<PiazzaException>(() => alice.SendAsync("lobby", "x", reply: "nope"));
        Assert.Equal(ErrorCode.NoSuchMessage, error.Code);
        var plain = await alice.SendAsync("lobby", "no reply", "id-1", CancellationToken.None);
        Assert.Null((await bob.NextAsync<MessageReceived>(e => e.Message.Seq == plain.Seq)).Message.Reply);
    }

    [Fact]
    public async Task Rest_send_takes_reply_and_rest_history_carries_the_quote_and_the_refusals()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var token = await RegisterAsync(http, "alice");
        var bobToken = await RegisterAsync(http, "bob");

        var original = await PostAsync(http, bobToken, "/api/rooms/lobby/messages", new { text = "ship it?" });
        Assert.Equal(HttpStatusCode.Created, original.Status);
        var reply = await PostAsync(http, token, "/api/rooms/lobby/messages", new { text = "yes", reply = original.Body.Str("msg") });
        Assert.Equal(HttpStatusCode.Created, reply.Status);

        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/rooms/lobby/messages");
        get.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bobToken);
        var listed = JsonNode.Parse(await (await http.SendAsync(get)).Content.ReadAsStringAsync())!["messages"]!.AsArray();
        var quote = listed.Single(m => m!["text"]!.GetValue<string>() == "yes")!["reply"]!.AsObject();
        Assert.Equal((original.Body.Str("msg"), "bob", "ship it?"), (quote.Str("msg"), quote.Str("from"), quote.Str("text")));

        var missing = await PostAsync(http, token, "/api/rooms/lobby/messages", new { text = "x", reply = "0123456789abcdef" });
        Assert.Equal((HttpStatusCode.NotFound, "no_such_message"), (missing.Status, missing.Body.Str("code")));
        var across = await PostAsync(http, token, "/api/conversations/bob/messages", new { text = "x", reply = original.Body.Str("msg") });
        Assert.Equal((HttpStatusCode.BadRequest, "bad_request"), (across.Status, across.Body.Str("code")));
    }

    private static async Task<string> RegisterAsync(HttpClient http, string user)
    {
        var response = await http.PostAsJsonAsync("/api/register", new { user, password = "password-" + user });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> PostAsync(HttpClient http, string token, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
