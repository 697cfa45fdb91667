using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Reactions;

/// <summary>The client library's side of reactions: ReactAsync, UnreactAsync, ReactionChanged, ChatMessage.Reactions.</summary>
public sealed class ClientReactionTests
{
    [Fact]
    public async Task Reactions_arrive_typed_and_history_carries_them()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice", Password = ProtocolSteps.Password, Register = true });
        await alice.ConnectAsync();
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob", Password = ProtocolSteps.Password, Register = true });
        await bob.ConnectAsync();

        var sent = await bob.SendAsync("lobby", "lunch?");
        Assert.Equal("🎉", await alice.ReactAsync(sent.MessageId, ":tada:"));
        var heard = await bob.NextAsync<ReactionChanged>();
        Assert.Equal(new ReactionChanged("lobby", sent.MessageId, sent.Seq, "🎉", "alice", true), heard);
        await bob.ReactAsync(sent.MessageId, "🎉");

        var message = (await alice.HistoryAsync("lobby")).Single(m => m.Id == sent.MessageId);
        var reaction = Assert.Single(message.Reactions);
        Assert.Equal(("🎉", "alice,bob"), (reaction.Emoji, string.Join(',', reaction.Users)));
        var kept = ReactionSummaries.Toggle(message.Reactions, "🎉", "alice", on: false);
        Assert.Equal("bob", string.Join(',', Assert.Single(kept).Users));

        Assert.Equal("🎉", await alice.UnreactAsync(sent.MessageId, "🎉"));
        Assert.False((await bob.NextAsync<ReactionChanged>(r => r.User == "alice" && !r.On)).On);
        var refused = await Assert.ThrowsAsync<PiazzaException>(() => alice.ReactAsync(sent.MessageId, "ab"));
        Assert.Equal(ErrorCode.BadRequest, refused.Code);
        var hidden = await Assert.ThrowsAsync<PiazzaException>(() => alice.ReactAsync("01NOSUCHMESSAGE0000000000", "👍"));
        Assert.Equal(ErrorCode.NoSuchMessage, hidden.Code);
    }
}
