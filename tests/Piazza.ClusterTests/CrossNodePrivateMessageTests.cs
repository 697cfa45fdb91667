using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>Private messages between users on different nodes, on every device of the recipient.</summary>
[Collection(ClusterCollection.Name)]
public class CrossNodePrivateMessageTests(ClusterFixture cluster)
{
    [Fact]
    public async Task A_private_message_sent_on_node_1_reaches_the_recipient_on_node_3_and_its_own_device_on_node_2()
    {
        var ann = ClusterFixture.Unique("pmann");
        var bo = ClusterFixture.Unique("pmbo");
        await using var annOnOne = await cluster.Node(1).RegisterAsync(ann);
        await using var boOnThree = await cluster.Node(3).RegisterAsync(bo);
        await using var boOnTwo = await cluster.Node(2).LoginAsync(bo);
        var conversation = "@" + string.Join(',', new[] { ann, bo }.Order(StringComparer.Ordinal));

        var sent = await ProtocolSteps.RequestAsync(annOnOne, new { type = "send", to = bo, text = "psst", id = "p1" }, "p1");
        ProtocolSteps.AssertOk(sent);
        var onThree = await boOnThree.ReadMessagesAsync(conversation, 1);
        var onTwo = await boOnTwo.ReadMessagesAsync(conversation, 1);
        Assert.Equal((ann, bo, "psst", 1L), (onThree[0].Str("from"), onThree[0].Str("to"), onThree[0].Str("text"), onThree[0].Seq()));
        Assert.Equal(onThree[0].Str("id"), onTwo[0].Str("id"));

        // The reply from node 2 reaches the sender on node 1 and takes the next seq of the one conversation.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(boOnTwo, new { type = "send", to = ann, text = "hi back", id = "p2" }, "p2"));
        var reply = await annOnOne.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "hi back");
        Assert.Equal(conversation, reply.Str("room"));
        Assert.Equal(("hi back", 2L), (reply.Str("text"), reply.Seq()));
        var stored = await cluster.Node(3).HistoryOverHttpAsync(boOnThree.Welcome.Str("token")!, room: null, conversationWith: ann);
        Assert.Equal(["psst", "hi back"], stored.Select(m => m.Str("text")));
    }
}
