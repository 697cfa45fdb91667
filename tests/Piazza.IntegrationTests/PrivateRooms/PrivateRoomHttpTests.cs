using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.PrivateRooms;

/// <summary>
/// A private room over the HTTP door: unlisted, its history and sends refused to a non-member exactly as for a room
/// that does not exist, and a file shared only there unknown to them as a file that does not exist; invitations
/// outlive a restart and are told at the next login.
/// </summary>
public sealed class PrivateRoomHttpTests : HttpServerTest
{
    private async Task<(HttpStatusCode Status, string Body)> GetAsync(TusTestClient user, string path)
    {
        var response = await Http.SendAsync(user.Request(HttpMethod.Get, path, tus: false));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(TusTestClient user, string path, object body)
    {
        var request = user.Request(HttpMethod.Post, path, tus: false);
        request.Content = JsonContent.Create(body);
        var response = await Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_non_member_gets_from_every_room_endpoint_and_file_download_what_a_missing_room_or_file_answers()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        await using var a = await Server.TokenLoginAsync(alice.Token);
        AssertOk(await RequestAsync(a, new { type = "join", room = "ops", @private = true, id = "j" }, "j"));
        var fileId = await alice.UploadAsync(TusTestClient.RandomBytes(200), "plan.txt");
        AssertOk(await RequestAsync(a, new { type = "send", room = "ops", text = "plan", file = new { id = fileId }, id = "s" }, "s"));

        var listed = JsonNode.Parse((await GetAsync(alice, "/api/rooms")).Body)!.AsArray();
        Assert.True(listed.Single(r => r!["room"]!.GetValue<string>() == "ops")!["private"]!.GetValue<bool>());
        Assert.DoesNotContain(JsonNode.Parse((await GetAsync(bob, "/api/rooms")).Body)!.AsArray(), r => r!["room"]!.GetValue<string>() == "ops");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(alice, "/api/rooms/ops/messages")).Status);

        var history = await GetAsync(bob, "/api/rooms/ops/messages");
        var missingHistory = await GetAsync(bob, "/api/rooms/nowhere/messages");
        Assert.Equal((HttpStatusCode.NotFound, missingHistory.Body.Replace("nowhere", "ops", StringComparison.Ordinal)), history);
        Assert.Contains("no_such_room", history.Body, StringComparison.Ordinal);

        var send = await PostAsync(bob, "/api/rooms/ops/messages", new { text = "hi" });
        var missingSend = await PostAsync(bob, "/api/rooms/nowhere/messages", new { text = "hi" });
        Assert.Equal((HttpStatusCode.NotFound, missingSend.Body.Replace("nowhere", "ops", StringComparison.Ordinal)), send);

        var download = await bob.DownloadAsync(fileId);
        var missingFile = await bob.DownloadAsync(new string('0', 32));
        Assert.Equal((HttpStatusCode.NotFound, await missingFile.Content.ReadAsStringAsync()), (download.StatusCode, await download.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.OK, (await alice.DownloadAsync(fileId)).StatusCode);
    }
}

/// <summary>An invitation is stored: after a restart the invitee is told of it at login and may join with it.</summary>
public sealed class PrivateRoomRestartTests
{
    [Fact]
    public async Task An_invitation_survives_a_restart_and_is_told_at_the_next_login()
    {
        var data = Path.Combine(Path.GetTempPath(), "piazza-private-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var server = await TestServer.StartInAsync(data, new TestServerOptions()))
            {
                await using var alice = await server.RegisterAsync("alice");
                await using var bob = await server.RegisterAsync("bob");
                AssertOk(await RequestAsync(alice, new { type = "join", room = "ops", @private = true, id = "j" }, "j"));
                AssertOk(await RequestAsync(alice, new { type = "invite", room = "ops", user = "bob", id = "i" }, "i"));
                await server.StopKeepingDataAsync();
            }

            await using (var server = await TestServer.StartInAsync(data, new TestServerOptions()))
            {
                await using var bob = await server.LoginAsync("bob");
                var invited = await bob.ReadUntilAsync(f => f.Type() == "invited");
                Assert.Equal(("ops", "alice"), (invited.Str("room"), invited.Str("by")));
                var (before, _) = await JoinRoomAsync(bob, "ops");
                Assert.True(before.Single(f => f.Type() == "room")["private"]!.GetValue<bool>());
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
