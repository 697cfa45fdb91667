using System.Net;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Deleting a message revokes the share it made: its file is no longer downloadable (nor shareable onwards) by the
/// conversation's members, now or later; the uploader keeps it.
/// </summary>
public sealed class FileRevocationTests : HttpServerTest
{
    [Fact]
    public async Task Deleted_messages_file_answers_403_to_members_and_later_joiners_but_200_to_the_uploader()
    {
        var alice = await TusTestClient.RegisterAsync(Http, "alice");
        var bob = await TusTestClient.RegisterAsync(Http, "bob");
        var carol = await TusTestClient.RegisterAsync(Http, "carol");
        await using var a = await Server.TokenLoginAsync(alice.Token);
        await using var b = await Server.TokenLoginAsync(bob.Token);
        await JoinRoomAsync(a, "secret");
        await JoinRoomAsync(b, "secret");
        var fileId = await alice.UploadAsync(TusTestClient.RandomBytes(2000), "plan.pdf");
        var shared = await RequestAsync(a, new { type = "send", room = "secret", file = new { id = fileId }, id = "f1" }, "f1");
        AssertOk(shared);
        Assert.Equal(HttpStatusCode.OK, (await bob.DownloadAsync(fileId)).StatusCode);

        AssertOk(await RequestAsync(a, new { type = "delete", room = "secret", msg = shared.Str("msg"), id = "d" }, "d"));

        var member = await bob.DownloadAsync(fileId);
        Assert.Equal(HttpStatusCode.Forbidden, member.StatusCode);
        Assert.Equal("forbidden", await TusTestClient.ErrorCodeAsync(member));
        await using var c = await Server.TokenLoginAsync(carol.Token);
        await JoinRoomAsync(c, "secret");
        Assert.Equal(HttpStatusCode.Forbidden, (await carol.DownloadAsync(fileId)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.DownloadAsync(fileId)).StatusCode);

        // Nor can a member share it onwards any more; the uploader still may.
        AssertError(await RequestAsync(b, new { type = "send", room = "secret", file = new { id = fileId }, id = "f2" }, "f2"), "forbidden");
        AssertOk(await RequestAsync(a, new { type = "send", to = "bob", file = new { id = fileId }, id = "f3" }, "f3"));
        Assert.Equal(HttpStatusCode.OK, (await bob.DownloadAsync(fileId)).StatusCode);
    }

    [Fact]
    public async Task A_file_whose_message_a_moderator_deleted_is_no_longer_downloadable_by_members_nor_reshareable_by_them()
    {
        var owner = await TusTestClient.RegisterAsync(Http, "olga");
        var uploader = await TusTestClient.RegisterAsync(Http, "ulrich");
        var member = await TusTestClient.RegisterAsync(Http, "mia");
        await using var o = await Server.TokenLoginAsync(owner.Token);
        await using var u = await Server.TokenLoginAsync(uploader.Token);
        await using var m = await Server.TokenLoginAsync(member.Token);
        await JoinRoomAsync(o, "club");
        await JoinRoomAsync(u, "club");
        await JoinRoomAsync(m, "club");
        var fileId = await uploader.UploadAsync(TusTestClient.RandomBytes(500), "notes.txt");
        var shared = await RequestAsync(u, new { type = "send", room = "club", file = new { id = fileId }, id = "f1" }, "f1");
        AssertOk(shared);
        Assert.Equal(HttpStatusCode.OK, (await member.DownloadAsync(fileId)).StatusCode);

        // The room's owner (a moderator) deletes it.
        AssertOk(await RequestAsync(o, new { type = "delete", room = "club", msg = shared.Str("msg"), id = "d" }, "d"));

        Assert.Equal(HttpStatusCode.Forbidden, (await member.DownloadAsync(fileId)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.DownloadAsync(fileId)).StatusCode);
        AssertError(await RequestAsync(o, new { type = "send", room = "club", file = new { id = fileId }, id = "f2" }, "f2"), "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await uploader.DownloadAsync(fileId)).StatusCode);
    }
}
