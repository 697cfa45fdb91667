using System.Text;
using Piazza.Core;
using Piazza.Core.Pins;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>
/// Pins across nodes (<see cref="InProcessCluster"/>): a pin made on node 1 reaches node 2's listeners and its
/// in-memory list (what a later entering frame there lists), and a deletion there unpins it on node 1.
/// </summary>
public sealed class PinsAcrossNodesTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private static readonly JsonLinesEventEncoder Wire = new("test");
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_pin_on_node_1_is_heard_and_listed_on_node_2_and_a_deletion_on_node_2_unpins_it_on_node_1()
    {
        var (ownerSees, owner) = await _cluster.RegisterAsync(1, "alice", Password);
        Assert.True((await _cluster[1].JoinAsync(owner, "dev")).Succeeded);
        var (bobSees, bob) = await _cluster.RegisterAsync(2, "bob", Password);
        Assert.True((await _cluster[2].JoinAsync(bob, "dev")).Succeeded);
        var sent = await _cluster[2].SendAsync(bob, "dev", null, "the runbook", null);
        var stored = await sent.Value!.Completion;
        Assert.True(stored.Succeeded, stored.Error?.Message);
        var message = stored.Value!.Message;
        await ownerSees.WaitForAsync<MessageEvent>(m => m.Id == message.Id);

        var pinned = await _cluster[1].PinAsync(owner, "dev", message.Id, pin: true);
        Assert.True(pinned.Succeeded, pinned.Error?.Message);
        var heard = await bobSees.WaitForAsync<PinEvent>(e => e.Pinned);
        Assert.Equal(Frame(await ownerSees.WaitForAsync<PinEvent>(e => e.Pinned)), Frame(heard));
        Assert.Equal((message.Id, message.Seq, "alice"), (heard.MessageId, heard.Seq, heard.By));

        // Node 2's room knows it without a store read: a later entering frame there lists it.
        var (carolSees, carol) = await _cluster.RegisterAsync(2, "carol", Password);
        Assert.True((await _cluster[2].JoinAsync(carol, "dev")).Succeeded);
        Assert.Equal([message.Id], (await carolSees.WaitForAsync<RoomStateEvent>(r => r.Room == "dev")).Pinned);
        var list = await _cluster[2].PinsAsync(carol, "dev");
        Assert.Equal(("the runbook", "alice"), (list.Value!.Pins.Single().Message.Text, list.Value.Pins[0].PinnedBy));

        // The author deletes it on node 2: node 1 hears the deletion, then the unpin, and lists nothing.
        Assert.True((await _cluster[2].DeleteMessageAsync(bob, "dev", message.Id)).Succeeded);
        var unpinned = await ownerSees.WaitForAsync<PinEvent>(e => !e.Pinned);
        Assert.Equal((message.Seq, "bob"), (unpinned.Seq, unpinned.By));
        var (daveSees, dave) = await _cluster.RegisterAsync(1, "dave", Password);
        Assert.True((await _cluster[1].JoinAsync(dave, "dev")).Succeeded);
        Assert.Empty((await daveSees.WaitForAsync<RoomStateEvent>(r => r.Room == "dev")).Pinned);
    }

    private static string Frame(ChatEvent chatEvent) => Encoding.UTF8.GetString(Wire.Encode(chatEvent));
}
