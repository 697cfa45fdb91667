using Piazza.Core;
using Piazza.Core.Editing;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>Edits across nodes (<see cref="InProcessCluster"/>): an edit on one node reaches the room on the other, and its recent messages.</summary>
public sealed class EditAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_edit_on_node_A_reaches_listeners_on_node_B_and_a_later_entry_there_sees_the_new_text()
    {
        var (_, alice) = await _cluster.RegisterAsync(1, "alice");
        var (bobSees, _) = await _cluster.RegisterAsync(2, "bob");
        var sent = await _cluster[1].SendAsync(alice, ChatHub.LobbyName, null, "typo", "a1");
        var message = (await sent.Value!.Completion).Value!.Message;
        await bobSees.WaitForAsync<MessageEvent>(m => m.Seq == message.Seq);

        var edit = await _cluster[1].EditMessageAsync(alice, message.Id, "fixed @bob");
        Assert.True(edit.Succeeded, edit.Error?.Message);
        var heard = await bobSees.WaitForAsync<EditedEvent>();
        Assert.Equal((ChatHub.LobbyName, message.Id, message.Seq, "fixed @bob", "alice", edit.Value!.EditedAt), (heard.Room, heard.MessageId, heard.Seq, heard.Text, heard.By, (DateTimeOffset?)heard.EditedAt));
        Assert.Equal(["bob"], heard.Mentions);

        // Node B's recent ring took the edit: a connection entering the lobby there gets the new text.
        var (carolSees, _) = await _cluster.RegisterAsync(2, "carol");
        var entry = await carolSees.WaitForAsync<HistoryEvent>(h => h.Messages.Any(m => m.Id == message.Id));
        var kept = entry.Messages.Single(m => m.Id == message.Id);
        Assert.Equal(("fixed @bob", edit.Value.EditedAt), (kept.Text, kept.EditedAt));
    }
}
