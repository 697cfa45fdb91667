using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>Moderation decided on one node applies to connections on another at once.</summary>
[Collection(ClusterCollection.Name)]
public class CrossNodeKickTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_kick_by_the_room_owner_on_node_1_removes_the_member_connected_to_node_3()
    {
        var room = ClusterFixture.Unique("den");
        var owner = ClusterFixture.Unique("owner");
        var bo = ClusterFixture.Unique("kickbo");
        await using var ownerOnOne = await cluster.Node(1).RegisterAsync(owner);
        await ProtocolSteps.JoinRoomAsync(ownerOnOne, room);
        await using var boOnThree = await cluster.Node(3).RegisterAsync(bo);
        await ProtocolSteps.JoinRoomAsync(boOnThree, room);
        await ownerOnOne.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == bo);

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(ownerOnOne, new { type = "kick", room, user = bo, reason = "calm down", id = "k" }, "k"));

        var left = await boOnThree.ReadUntilAsync(f => f.Type() == "left" && f.Str("user") == bo);
        Assert.Equal((room, "kicked", "calm down", owner), (left.Str("room"), left.Str("reason"), left.Str("message"), left.Str("by")));
        var refused = await ProtocolSteps.RequestAsync(boOnThree, new { type = "send", room, text = "still here?", id = "s" }, "s");
        Assert.Equal("error", refused.Type());
        Assert.Equal([owner], await ownerOnOne.WhoAsync(room));
    }
}
