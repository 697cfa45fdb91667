using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;

namespace Piazza.IntegrationTests.Editing;

/// <summary>The client library's edit calls: <see cref="PiazzaClient.EditAsync"/>, <see cref="MessageEdited"/>, <see cref="ChatMessage.EditedAt"/>, <see cref="PiazzaClient.VersionsAsync"/>.</summary>
public sealed class ClientLibraryEditTests
{
    [Fact]
    public async Task An_edit_arrives_as_MessageEdited_history_carries_EditedAt_and_versions_are_for_the_owner()
    {
        await using var server = await TestServer.StartAsync();
        await using var owner = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "olga", Password = ProtocolSteps.Password, Register = true });
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob", Password = ProtocolSteps.Password, Register = true });
        await owner.ConnectAsync();
        await bob.ConnectAsync();
        await owner.JoinAsync("dev");
        await bob.JoinAsync("dev");
        var sent = await bob.SendAsync("dev", "draft");

        var at = await bob.EditAsync(sent.MessageId, "final @olga");
        Assert.NotNull(at);
        var edited = await owner.NextAsync<MessageEdited>();
        Assert.Equal(("dev", sent.Seq, sent.MessageId, "final @olga", "bob", at), (edited.Conversation, edited.Seq, edited.MessageId, edited.Text, edited.By, edited.EditedAt));
        Assert.Equal(["olga"], edited.Mentions);

        var history = await owner.HistoryAsync("dev");
        var message = history.Single(m => m.Id == sent.MessageId);
        Assert.Equal(("final @olga", at), (message.Text, message.EditedAt));

        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<PiazzaException>(() => owner.EditAsync(sent.MessageId, "mine"))).Code);
        Assert.Equal(ErrorCode.Forbidden, (await Assert.ThrowsAsync<PiazzaException>(() => bob.VersionsAsync(sent.MessageId))).Code);
        var versions = await owner.VersionsAsync(sent.MessageId);
        Assert.Equal(["draft", "final @olga"], versions.Select(v => v.Text));
        Assert.Equal(at, versions[^1].At);
    }
}
