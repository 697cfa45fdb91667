using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.ReadState;

/// <summary>The client library's side of mentions and read state: typed mentions, MarkReadAsync, ReadPositionChanged, welcome counts.</summary>
public sealed class ClientReadStateTests
{
    [Fact]
    public async Task Mentions_marks_and_counts_arrive_typed_on_every_device()
    {
        await using var server = await TestServer.StartAsync();
        PiazzaClientOptions Alice(bool register = false) => new() { Port = server.Port, User = "alice", Password = ProtocolSteps.Password, Register = register };
        await using var phone = new PiazzaClient(Alice(register: true));
        await phone.ConnectAsync();
        await using var laptop = new PiazzaClient(Alice());
        await laptop.ConnectAsync();
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob" });
        await bob.ConnectAsync();

        var sent = await bob.SendAsync("lobby", "ping @alice");
        var received = await phone.NextAsync<MessageReceived>(m => m.Message.Seq == sent.Seq);
        Assert.Equal(["alice"], received.Message.Mentions);
        Assert.True(received.Message.Mentioned("alice"));
        Assert.False(received.Message.Mentioned("bob"));

        Assert.Equal(sent.Seq, await phone.MarkReadAsync("lobby", sent.Seq));
        var moved = await laptop.NextAsync<ReadPositionChanged>();
        Assert.Equal(("lobby", sent.Seq), (moved.Conversation, moved.Seq));
        Assert.Equal(sent.Seq, await laptop.MarkReadAsync("lobby", 0)); // stale: the stored position comes back

        await bob.SendAsync("lobby", "@alice again");
        await using var tablet = new PiazzaClient(Alice());
        var welcome = await tablet.ConnectAsync();
        var lobby = Assert.Single(welcome.Conversations, c => c.Conversation == "lobby");
        Assert.Equal((sent.Seq + 1, sent.Seq, 1L, 1L), (lobby.Seq, lobby.Read, lobby.Unread, lobby.Mentions));
        Assert.Equal(welcome.Conversations, tablet.ConversationReadStates);
        var entered = await tablet.NextAsync<RoomEntered>(r => r.Room == "lobby");
        Assert.Equal((1L, 1L), (entered.ReadState!.Unread, entered.ReadState.Mentions));
    }
}
