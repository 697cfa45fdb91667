using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.EventStream;

/// <summary>The event stream as integrators use it: curl, and a bot that speaks only HTTP (the REST-only bot).</summary>
public class EventStreamClientsTests
{
    [Fact]
    public async Task Curl_reads_the_stream_as_it_comes()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.RegisterAsync("bob");
        await using var alice = await server.RegisterAsync("alice");
        using var curl = Process.Start(new ProcessStartInfo("curl")
        {
            ArgumentList = { "-N", "-s", "--max-time", "60", "-H", "Authorization: Bearer " + alice.Welcome.Str("token"), new Uri(server.HttpBase, "/api/events").ToString() },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        try
        {
            await using var stream = new SseReader(curl.StandardOutput.BaseStream);
            await stream.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "lobby");
            await SendOkAsync(bob, "lobby", "seen by curl", "c1");
            var message = await stream.ReadUntilAsync(e => e.Event == "message");
            Assert.Equal(("seen by curl", "bob"), (message.Json.Str("text"), message.Json.Str("from")));
        }
        finally
        {
            curl.Kill();
            await curl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public Task A_rest_only_bot_joins_posts_receives_over_sse_resumes_across_a_restart_and_leaves()
        => BotFlowAsync(RestJoinAsync, RestLeaveAsync);

    /// <summary>The same bot, joining and leaving over the line protocol until REST can (the stream is what is tested).</summary>
    [Fact]
    public Task A_bot_on_http_and_sse_joins_posts_receives_resumes_across_a_restart_and_leaves()
        => BotFlowAsync(LineJoinAsync, LineLeaveAsync);

    private static async Task BotFlowAsync(Func<TestServer, string, string, Task> join, Func<TestServer, string, string, Task> leave)
    {
        var server = await TestServer.StartAsync();
        var data = server.DataDirectory;
        await using var _ = server;
        using var anonymous = server.CreateHttpClient();
        Assert.Equal(HttpStatusCode.Created, (await anonymous.PostAsJsonAsync("/api/register", new { user = "robot", password = Password })).StatusCode);
        var login = await anonymous.PostAsJsonAsync("/api/login", new { user = "robot", password = Password });
        var token = JsonNode.Parse(await login.Content.ReadAsStringAsync())!["token"]!.GetValue<string>();
        await join(server, token, "ops");

        var seqs = new List<long>();
        string lastId;
        await using (var human = await server.RegisterAsync("human"))
        {
            await JoinRoomAsync(human, "ops");
            await using var stream = await SseReader.OpenAsync(server, token);
            await stream.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "ops");
            using var bot = server.CreateHttpClient(token);
            Assert.Equal(HttpStatusCode.Created, (await bot.PostAsJsonAsync("/api/rooms/ops/messages", new { text = "bot online", id = "b1" })).StatusCode);
            seqs.Add((await stream.ReadUntilAsync(e => e.Event == "message" && e.Json.Str("text") == "bot online")).Json.Seq());
            await SendOkAsync(human, "ops", "hi bot", "h1");
            var heard = await stream.ReadUntilAsync(e => e.Event == "message" && e.Json.Str("room") == "ops");
            Assert.Equal(("hi bot", "human"), (heard.Json.Str("text"), heard.Json.Str("from")));
            seqs.Add(heard.Json.Seq());
            lastId = heard.LastEventId!;
        }

        await server.StopKeepingDataAsync();
        await using var restarted = await TestServer.StartInAsync(data, new TestServerOptions());
        await using (var human = await restarted.LoginAsync("human"))
        {
            await SendOkAsync(human, "ops", "while you were away", "h2");
        }

        await using (var stream = await SseReader.OpenAsync(restarted, token, lastId))
        {
            var caughtUp = await stream.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "ops" && e.Json["messages"]!.AsArray().Count > 0);
            seqs.AddRange(Seqs(caughtUp.Json));
            Assert.Equal(["while you were away"], Texts(caughtUp.Json));
            Assert.Equal(Range(seqs[0], seqs[0] + 2), seqs); // no gap, no duplicate

            await leave(restarted, token, "ops");
            await stream.ReadUntilAsync(e => e.Event == "left" && e.Json.Str("room") == "ops" && e.Json.Str("user") == "robot");
            using var bot = restarted.CreateHttpClient(token);
            using var refused = await bot.PostAsJsonAsync("/api/rooms/ops/messages", new { text = "still here?" });
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
    }

    private static async Task RestJoinAsync(TestServer server, string token, string room)
    {
        using var http = server.CreateHttpClient(token);
        using var joined = await http.PutAsync($"/api/rooms/{room}/members/me", null);
        Assert.True(joined.IsSuccessStatusCode, $"join answered {(int)joined.StatusCode}");
    }

    private static async Task RestLeaveAsync(TestServer server, string token, string room)
    {
        using var http = server.CreateHttpClient(token);
        using var left = await http.DeleteAsync($"/api/rooms/{room}/members/me");
        Assert.True(left.IsSuccessStatusCode, $"leave answered {(int)left.StatusCode}");
    }

    private static async Task LineJoinAsync(TestServer server, string token, string room)
    {
        await using var device = await server.TokenLoginAsync(token);
        await JoinRoomAsync(device, room);
    }

    private static async Task LineLeaveAsync(TestServer server, string token, string room)
    {
        await using var device = await server.TokenLoginAsync(token);
        AssertOk(await RequestAsync(device, new { type = "leave", room, id = "l" }, "l"));
    }
}
