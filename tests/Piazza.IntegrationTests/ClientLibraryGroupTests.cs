using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests;

/// <summary>The client library's group conversations: <see cref="PiazzaClient.SendToGroupAsync"/> and the group in events.</summary>
public class ClientLibraryGroupTests
{
    [Fact]
    public async Task SendToGroupAsync_opens_the_group_and_its_messages_carry_the_participants()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice" });
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob" });
        await using var carol = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "Carol" });
        await alice.ConnectAsync();
        await bob.ConnectAsync();
        await carol.ConnectAsync();

        var sent = await alice.SendToGroupAsync(["carol", "bob"], "hi both");
        Assert.Matches(@"^@~alice~[0-9a-f]{16},~bob~[0-9a-f]{16},~carol~[0-9a-f]{16}$", sent.Conversation);
        var atCarol = (await carol.NextAsync<MessageReceived>(e => e.Message.IsGroup)).Message;
        Assert.Equal((sent.Conversation, "alice", null, "hi both"), (atCarol.Conversation, atCarol.From, atCarol.To, atCarol.Text));
        Assert.Equal(["bob", "Carol"], atCarol.Group);
        Assert.True(atCarol.IsPrivate);

        var reply = await bob.SendToGroupAsync(["alice", "carol"], "hello");
        Assert.Equal((sent.Conversation, 2L), (reply.Conversation, reply.Seq));
        var error = await Assert.ThrowsAsync<PiazzaException>(() => alice.SendToGroupAsync(["bob", "nobody"], "x"));
        Assert.Equal(ErrorCode.NoSuchUser, error.Code);
        error = await Assert.ThrowsAsync<PiazzaException>(() => alice.SendToGroupAsync(["bob"], "x"));
        Assert.Equal(ErrorCode.BadRequest, error.Code);
    }
}
