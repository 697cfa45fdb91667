using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Files;

/// <summary>Files shared in messages: delivery in rooms and private conversations, history, and who may download.</summary>
public sealed class FileSharingTests : HttpServerTest
{
    [Fact]
    public async Task Welcome_tells_the_http_port_on_both_doors()
    {
        await using var tcp = await Server.GuestAsync("guest1");
        var welcome = tcp.Welcome;
        Assert.Equal(Server.HttpEndPoint!.Port, welcome["httpPort"]!.GetValue<int>());

        await using var ws = await RawClient.ConnectWebSocketAsync(Server.HttpBase);
        var (_, wsWelcome) = await RawClient.HelloAsync(ws, "guest2");
        Assert.Equal(Server.HttpEndPoint.Port, wsWelcome["httpPort"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_file_shared_in_a_room_reaches_members_live_and_in_history_and_only_members_may_download()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        var carol = await TusTestClient.RegisterAsync(Http, "carol");
        await using var a = await Server.TokenLoginAsync(alice.Token);
        await using var b = await Server.TokenLoginAsync(bob.Token);
        await JoinRoomAsync(a, "secret");
        await JoinRoomAsync(b, "secret");

        var data = TusTestClient.RandomBytes(3000);
        var fileId = await alice.UploadAsync(data, "plan.pdf");

        // Not shared yet: only the uploader.
        Assert.Equal(HttpStatusCode.OK, (await alice.DownloadAsync(fileId)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.DownloadAsync(fileId)).StatusCode);

        var ok = await RequestAsync(a, new { type = "send", room = "secret", file = new { id = fileId }, id = "f1" }, "f1");
        AssertOk(ok);
        var live = await b.ReadUntilAsync(f => f.Type() == "message" && f.Str("room") == "secret");
        AssertFile(live, fileId, "plan.pdf", data, "application/pdf");
        Assert.Equal("", live.Str("text"));

        Assert.Equal(data, await (await bob.DownloadAsync(fileId)).Content.ReadAsByteArrayAsync());
        var outsider = await carol.DownloadAsync(fileId);
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        Assert.Equal("forbidden", await TusTestClient.ErrorCodeAsync(outsider));

        // History over the protocol and over the REST API carries the file too.
        var history = await RequestAsync(b, new { type = "history", room = "secret", id = "h" }, "h");
        AssertFile(history["messages"]!.AsArray().Single()!.AsObject(), fileId, "plan.pdf", data, "application/pdf");
        var request = bob.Request(HttpMethod.Get, "/api/rooms/secret/messages", tus: false);
        var rest = JsonNode.Parse(await (await Http.SendAsync(request)).Content.ReadAsStringAsync())!;
        Assert.Equal(fileId, rest["messages"]![0]!["file"]!["id"]!.GetValue<string>());

        // Joining the room makes it visible.
        await using var c = await Server.TokenLoginAsync(carol.Token);
        await JoinRoomAsync(c, "secret");
        Assert.Equal(HttpStatusCode.OK, (await carol.DownloadAsync(fileId)).StatusCode);
    }

    [Fact]
    public async Task A_file_in_a_private_message_reaches_the_recipient_and_stays_private()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        var carol = await TusTestClient.RegisterAsync(Http, "carol");
        await using var a = await Server.TokenLoginAsync(alice.Token);
        await using var b = await Server.TokenLoginAsync(bob.Token);

        var data = TusTestClient.RandomBytes(1234);
        var fileId = await alice.UploadAsync(data, "photo.png");
        AssertOk(await RequestAsync(a, new { type = "send", to = "bob", text = "for you", file = new { id = fileId }, id = "d1" }, "d1"));
        var live = await b.ReadUntilAsync(f => f.Type() == "message" && f.Str("to") == "bob");
        AssertFile(live, fileId, "photo.png", data, "image/png");
        Assert.Equal("for you", live.Str("text"));

        var download = await bob.DownloadAsync(fileId);
        Assert.Equal(data, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("inline", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.DownloadAsync(fileId)).StatusCode);

        var history = await RequestAsync(b, new { type = "history", with = "alice", id = "h" }, "h");
        AssertFile(history["messages"]!.AsArray().Single()!.AsObject(), fileId, "photo.png", data, "image/png");
    }

    [Fact]
    public async Task Sharing_rules_unknown_files_and_someone_elses_unshared_file()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        await using var b = await Server.TokenLoginAsync(bob.Token);
        var fileId = await alice.UploadAsync(TusTestClient.RandomBytes(10), "mine.txt");

        AssertError(await RequestAsync(b, new { type = "send", room = "lobby", file = new { id = fileId }, id = "s1" }, "s1"), "forbidden");
        AssertError(await RequestAsync(b, new { type = "send", room = "lobby", file = new { id = "0123456789abcdef0123456789abcdef" }, id = "s2" }, "s2"), "no_such_file");
        AssertError(await RequestAsync(b, new { type = "send", room = "lobby", id = "s3" }, "s3"), "bad_request");

        // Once alice shares it in the lobby, bob (who can see it) may share it onwards.
        var share = await Http.SendAsync(WithBody(alice.Request(HttpMethod.Post, "/api/rooms/lobby/messages", tus: false), new { file = new { id = fileId } }));
        Assert.Equal(HttpStatusCode.Created, share.StatusCode);
        AssertOk(await RequestAsync(b, new { type = "send", to = "alice", file = new { id = fileId }, id = "s4" }, "s4"));
    }

    [Fact]
    public async Task Only_the_uploader_deletes_and_a_deleted_file_is_gone_from_downloads_not_from_history()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        await using var b = await Server.TokenLoginAsync(bob.Token);
        var fileId = await alice.UploadAsync(TusTestClient.RandomBytes(100), "old.txt");
        var share = await Http.SendAsync(WithBody(alice.Request(HttpMethod.Post, "/api/rooms/lobby/messages", tus: false), new { text = "see this", file = new { id = fileId } }));
        Assert.Equal(HttpStatusCode.Created, share.StatusCode);

        var refused = await Http.SendAsync(bob.Request(HttpMethod.Delete, $"/api/files/{fileId}", tus: false));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.SendAsync(alice.Request(HttpMethod.Delete, $"/api/files/{fileId}", tus: false))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.DownloadAsync(fileId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await alice.DownloadAsync(fileId)).StatusCode);

        var history = await RequestAsync(b, new { type = "history", room = "lobby", id = "h" }, "h");
        Assert.Contains(history["messages"]!.AsArray(), m => m!["file"]?["id"]?.GetValue<string>() == fileId);
    }

    private static HttpRequestMessage WithBody(HttpRequestMessage request, object body)
    {
        request.Content = JsonContent.Create(body);
        return request;
    }

    private static void AssertFile(JsonObject message, string fileId, string name, byte[] data, string mime)
    {
        var file = message["file"]!.AsObject();
        Assert.Equal(fileId, file.Str("id"));
        Assert.Equal(name, file.Str("name"));
        Assert.Equal(data.Length, file["size"]!.GetValue<long>());
        Assert.Equal(mime, file.Str("mime"));
        Assert.Equal(TusTestClient.Sha256Hex(data), file.Str("sha256"));
    }
}
