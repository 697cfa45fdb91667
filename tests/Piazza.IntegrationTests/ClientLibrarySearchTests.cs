using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests;

/// <summary>The client library's <see cref="PiazzaClient.SearchAsync"/>: typed results, snippets in parts, paging with next, refusals.</summary>
public sealed class ClientLibrarySearchTests
{
    [Fact]
    public async Task Search_returns_typed_results_with_snippets_and_pages_with_next()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await alice.ConnectAsync();
        var first = await alice.SendAsync("lobby", "ship the release");
        var second = await alice.SendAsync("lobby", "release notes are out");

        var page = await alice.SearchAsync("release", limit: 1);
        var result = Assert.Single(page.Results);
        Assert.Equal((second.MessageId, "lobby", "alice", "release notes are out"), (result.Message.Id, result.Message.Conversation, result.Message.From, result.Message.Text));
        Assert.Equal([("release", true), (" notes are out", false)], result.Parts());
        Assert.Equal("[[release]] notes are out", result.Marked("[[", "]]"));
        Assert.NotNull(page.Next);

        var older = await alice.SearchAsync("release", "lobby", 1, page.Next);
        Assert.Equal(first.MessageId, Assert.Single(older.Results).Message.Id);
        Assert.Null(older.Next);

        var bad = await Assert.ThrowsAsync<PiazzaException>(() => alice.SearchAsync("NEAR("));
        Assert.Equal(ErrorCode.BadRequest, bad.Code);
        var hidden = await Assert.ThrowsAsync<PiazzaException>(() => alice.SearchAsync("release", "nowhere"));
        Assert.Equal(ErrorCode.NoSuchRoom, hidden.Code);
    }
}
