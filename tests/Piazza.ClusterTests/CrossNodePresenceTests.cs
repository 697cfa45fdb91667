using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>Who is online and which names are taken hold across the whole cluster.</summary>
[Collection(ClusterCollection.Name)]
public class CrossNodePresenceTests(ClusterFixture cluster)
{
    [Fact]
    public async Task Who_on_node_1_lists_a_user_present_on_node_3_until_that_user_leaves()
    {
        var room = ClusterFixture.Unique("porch");
        var ann = ClusterFixture.Unique("whoann");
        var cy = ClusterFixture.Unique("whocy");
        await using var annOnOne = await cluster.Node(1).RegisterAsync(ann);
        await ProtocolSteps.JoinRoomAsync(annOnOne, room);
        var cyOnThree = await cluster.Node(3).RegisterAsync(cy);
        await ProtocolSteps.JoinRoomAsync(cyOnThree, room);
        await annOnOne.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == cy);

        Assert.Equal([ann, cy], (await annOnOne.WhoAsync(room)).Order(StringComparer.Ordinal));

        cyOnThree.Abort();
        await cyOnThree.DisposeAsync();
        // The room's own left (cy was in the lobby too, and each room hears its left separately).
        await annOnOne.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == cy && f.Str("room") == room);
        Assert.Equal([ann], await annOnOne.WhoAsync(room));
    }

    [Fact]
    public async Task A_guest_name_held_on_node_1_is_refused_on_node_2_and_free_there_once_released()
    {
        var name = ClusterFixture.Unique("Guesty");
        var holder = await cluster.Node(1).GuestAsync(name);
        await using var watcher = await cluster.Node(2).GuestAsync(ClusterFixture.Unique("watcher"));

        await using var rival = await cluster.Node(2).ConnectAsync();
        ProtocolSteps.AssertError(await ProtocolSteps.FirstAnswerAsync(rival, new { type = "hello", user = name.ToLowerInvariant() }), "name_taken");
        await using var rivalOnThree = await cluster.Node(3).ConnectWebSocketAsync();
        ProtocolSteps.AssertError(await ProtocolSteps.FirstAnswerAsync(rivalOnThree, new { type = "hello", user = name }), "name_taken");

        // The holder leaves; node 2 hears of it in the lobby. The claim's release travels separately, so the rival
        // retries a refused hello (the connection stays open) until the timeout.
        holder.Abort();
        await holder.DisposeAsync();
        await watcher.ReadUntilAsync(f => f.Type() == "left" && string.Equals(f.Str("user"), name, StringComparison.Ordinal));
        var deadline = DateTime.UtcNow + RawClient.DefaultTimeout;
        var answer = await ProtocolSteps.FirstAnswerAsync(rival, new { type = "hello", user = name });
        while (answer.Type() == "error" && answer.Str("code") == "name_taken" && DateTime.UtcNow < deadline)
        {
            answer = await ProtocolSteps.FirstAnswerAsync(rival, new { type = "hello", user = name });
        }

        Assert.True(answer.Type() == "welcome", $"the released name stayed refused on node 2: {answer.ToJsonString()}");
    }
}
