using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;
using static Piazza.IntegrationTests.Webhooks.IncomingWebhookTests;

namespace Piazza.IntegrationTests.Webhooks;

/// <summary>
/// Outgoing webhooks (docs/http-api.md, "Webhooks") against receivers on 127.0.0.1 the test starts: signed
/// deliveries verified here as a receiver would, retries after a failure under the same delivery id, trigger words,
/// the allow-list at creation and redirects not followed, and failures shown to the owner. Retries wait 50 ms.
/// </summary>
public sealed class OutgoingWebhookTests
{
    private static Task<TestServer> StartAsync(string allowed = "127.0.0.1", int attempts = 10)
        => TestServer.StartAsync(("WebhookAllowedHosts", allowed), ("WebhookRetryDelay", "0.05"), ("WebhookMaxAttempts", attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public async Task Messages_are_delivered_signed_retried_after_a_500_under_the_same_delivery_id_and_the_bots_own_are_not()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        await SendOkAsync(alice, "dev", "before the webhook", "m0"); // not delivered: only new messages are
        using var owner = server.CreateHttpClient(alice.Welcome.Str("token"));
        var webhook = await CreateAsync(owner, "dev", new { url = receiver.Url.AbsoluteUri });
        var secret = webhook.Str("secret")!;
        Assert.Equal([], webhook["triggers"]!.AsArray().Select(t => t!.GetValue<string>()));

        var failures = 0;
        receiver.Answer = r => Encoding.UTF8.GetString(r.Body).Contains("flaky", StringComparison.Ordinal) && Interlocked.Increment(ref failures) == 1 ? (500, null) : (200, null);
        var sent = await SendOkAsync(alice, "dev", "hello hooks", "m1");
        var first = await receiver.NextAsync();
        var payload = Verify(first, secret);
        Assert.Equal((webhook.Str("id"), "dev", "alice", "hello hooks", sent.Seq(), sent.Str("msg")), (payload.Str("webhook"), payload.Str("room"), payload.Str("from"), payload.Str("text"), payload.Seq(), payload.Str("msg")));
        Assert.Equal(first.Header("X-Piazza-Delivery"), payload.Str("delivery"));
        Assert.Equal("application/json; charset=utf-8", first.Header("Content-Type"));

        // The receiver fails once: the same delivery comes again, then the next message.
        await SendOkAsync(alice, "dev", "flaky one", "m2");
        await SendOkAsync(alice, "dev", "after it", "m3");
        var failed = Verify(await receiver.NextAsync(), secret);
        var retried = Verify(await receiver.NextAsync(), secret);
        Assert.Equal(("flaky one", failed.Str("delivery")), (retried.Str("text"), retried.Str("delivery")));
        Assert.Equal("after it", Verify(await receiver.NextAsync(), secret).Str("text"));

        // An incoming webhook's bot posting to the room is not sent back out (no loops); the owner's next message is.
        var hook = await owner.PostAsJsonAsync("/api/rooms/dev/webhooks", new { name = "ci" });
        var hookUrl = JsonNode.Parse(await hook.Content.ReadAsStringAsync())!["url"]!.GetValue<string>();
        using var anonymous = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync(hookUrl, new { text = "from the bot" })).StatusCode);
        await SendOkAsync(alice, "dev", "from alice", "m4");
        Assert.Equal("from alice", Verify(await receiver.NextAsync(), secret).Str("text"));
        Assert.Equal(5, receiver.All.Count);

        // The owner sees it healthy: nothing pending, no failure kept, the last answer 200; the secret is not shown again.
        var listed = await WaitForListAsync(owner, "dev", w => w["pending"]!.GetValue<long>() == 0); // saved just after the answer
        Assert.Equal((0L, 200, null, null, 0L), (listed["pending"]!.GetValue<long>(), listed["lastStatus"]!.GetValue<int>(), listed.Str("lastError"), listed.Str("failingSince"), listed["failed"]!.GetValue<long>()));
        Assert.Null(listed["secret"]);
    }

    [Fact]
    public async Task With_trigger_words_only_messages_whose_first_word_is_one_are_delivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await StartAsync();
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "ops");
        using var owner = server.CreateHttpClient(alice.Welcome.Str("token"));
        var webhook = await CreateAsync(owner, "ops", new { url = receiver.Url.AbsoluteUri, triggers = new[] { "deploy", "rollback" } });

        foreach (var text in new[] { "please deploy", "redeploy now", "Deploy web to prod", "deployed", "rollback", "  rollback api" })
        {
            await SendOkAsync(alice, "ops", text, text);
        }

        var first = Verify(await receiver.NextAsync(), webhook.Str("secret")!);
        Assert.Equal(("Deploy web to prod", "deploy"), (first.Str("text"), first.Str("trigger")));
        var second = Verify(await receiver.NextAsync(), webhook.Str("secret")!);
        Assert.Equal(("rollback", "rollback"), (second.Str("text"), second.Str("trigger")));
        Assert.Equal("  rollback api", Verify(await receiver.NextAsync(), webhook.Str("secret")!).Str("text"));
        await SendOkAsync(alice, "ops", "deploy done", "last");
        Assert.Equal("deploy done", Verify(await receiver.NextAsync(), webhook.Str("secret")!).Str("text"));
        Assert.Equal(4, receiver.All.Count);
    }

    [Fact]
    public async Task Destinations_off_the_allow_list_are_refused_at_creation_and_a_server_without_one_refuses_every_webhook()
    {
        await using (var closed = await TestServer.StartAsync())
        {
            await using var alice = await closed.RegisterAsync("alice");
            await JoinRoomAsync(alice, "dev");
            using var owner = closed.CreateHttpClient(alice.Welcome.Str("token"));
            var off = await owner.PostAsJsonAsync("/api/rooms/dev/webhooks/outgoing", new { url = "http://127.0.0.1:9/" });
            await AssertErrorAsync(off, HttpStatusCode.Forbidden, "forbidden");
        }

        await using var server = await StartAsync(allowed: "127.0.0.1, hooks.example.org:8443");
        await using var bob = await server.RegisterAsync("bob");
        await JoinRoomAsync(bob, "dev");
        using var http = server.CreateHttpClient(bob.Welcome.Str("token"));
        var refused = await http.PostAsJsonAsync("/api/rooms/dev/webhooks/outgoing", new { url = "http://localhost:9/" });
        await AssertErrorAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("--webhook-allowed-hosts", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var url in new[] { "http://169.254.169.254/latest/meta-data", "https://hooks.example.org/x", "http://10.0.0.1/" })
        {
            await AssertErrorAsync(await http.PostAsJsonAsync("/api/rooms/dev/webhooks/outgoing", new { url }), HttpStatusCode.Forbidden, "forbidden");
        }

        foreach (var url in new[] { "ftp://127.0.0.1/x", "/relative", "http://user:pw@127.0.0.1/", "" })
        {
            await AssertErrorAsync(await http.PostAsJsonAsync("/api/rooms/dev/webhooks/outgoing", new { url }), HttpStatusCode.BadRequest, "bad_request");
        }

        await AssertErrorAsync(await http.PostAsJsonAsync("/api/rooms/dev/webhooks/outgoing", new { url = "http://127.0.0.1:9/", triggers = new[] { "two words" } }), HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/rooms/dev/webhooks/outgoing", new { url = "https://hooks.example.org:8443/x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/rooms/dev/webhooks/outgoing", new { url = "http://127.0.0.1:9/" })).StatusCode);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_the_failed_delivery_is_shown_to_the_owner_and_the_next_message_goes()
    {
        await using var elsewhere = await WebhookReceiver.StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = r => Encoding.UTF8.GetString(r.Body).Contains("moved", StringComparison.Ordinal) ? (307, elsewhere.Url.AbsoluteUri) : (200, null);
        await using var server = await StartAsync(attempts: 3);
        await using var alice = await server.RegisterAsync("alice");
        await JoinRoomAsync(alice, "dev");
        using var owner = server.CreateHttpClient(alice.Welcome.Str("token"));
        var webhook = await CreateAsync(owner, "dev", new { url = receiver.Url.AbsoluteUri });

        var moved = await SendOkAsync(alice, "dev", "moved away", "m1");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            Assert.Equal("moved away", Verify(await receiver.NextAsync(), webhook.Str("secret")!).Str("text"));
        }

        // Given up on after its three attempts and recorded; still failing until a delivery succeeds.
        var listed = await WaitForListAsync(owner, "dev", w => w["failed"]!.GetValue<long>() == 1);
        Assert.Equal(307, listed["lastStatus"]!.GetValue<int>());
        Assert.Contains("redirect", listed.Str("lastError"), StringComparison.Ordinal);
        Assert.NotNull(listed.Str("failingSince"));
        var failure = listed["failures"]!.AsArray().Single()!.AsObject();
        Assert.Equal(($"{webhook.Str("id")}-{moved.Seq()}", moved.Str("msg"), moved.Seq(), 3), (failure.Str("delivery"), failure.Str("msg"), failure.Seq(), failure["attempts"]!.GetValue<int>()));

        await SendOkAsync(alice, "dev", "next one", "m2");
        Assert.Equal("next one", Verify(await receiver.NextAsync(), webhook.Str("secret")!).Str("text"));
        var healthy = await WaitForListAsync(owner, "dev", w => w.Str("failingSince") is null);
        Assert.Equal((200, 1L), (healthy["lastStatus"]!.GetValue<int>(), healthy["failed"]!.GetValue<long>()));
        Assert.Empty(elsewhere.All); // the redirect was never followed
    }

    /// <summary>Checks the signature as docs/http-api.md tells a receiver to, and answers the delivery's JSON.</summary>
    internal static JsonObject Verify(ReceivedRequest request, string secret)
    {
        var timestamp = request.Header("X-Piazza-Timestamp");
        Assert.True(long.TryParse(timestamp, out var seconds), timestamp);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds, -5, 300); // fresh: not a replay
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(request.Body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        Assert.True(CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(request.Header("X-Piazza-Signature"))), "bad signature");
        var payload = JsonNode.Parse(request.Body)!.AsObject();
        Assert.Equal(request.Header("X-Piazza-Webhook"), payload.Str("webhook"));
        return payload;
    }

    private static async Task<JsonObject> CreateAsync(HttpClient owner, string room, object body)
    {
        var created = await owner.PostAsJsonAsync($"/api/rooms/{room}/webhooks/outgoing", body);
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private static async Task<JsonObject> ListAsync(HttpClient owner, string room)
        => JsonNode.Parse(await owner.GetStringAsync($"/api/rooms/{room}/webhooks/outgoing"))!.AsArray().Single()!.AsObject();

    private static async Task<JsonObject> WaitForListAsync(HttpClient owner, string room, Func<JsonObject, bool> ready)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var listed = await ListAsync(owner, room);
            if (ready(listed))
            {
                return listed;
            }

            // The state is written after the answer is read: poll the owner's view, briefly, until it shows.
            await Task.Delay(20, timeout.Token);
        }
    }
}
