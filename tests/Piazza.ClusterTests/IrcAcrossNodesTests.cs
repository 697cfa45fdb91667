using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Irc;

namespace Piazza.ClusterTests;

/// <summary>The IRC door of one node in the same rooms and private conversations as native and WebSocket clients of the others.</summary>
[Collection(ClusterCollection.Name)]
public class IrcAcrossNodesTests(ClusterFixture cluster)
{
    [Fact]
    public async Task An_irc_client_on_node_1_shares_a_room_with_native_on_node_2_and_websocket_on_node_3()
    {
        var room = ClusterFixture.Unique("ircroom");
        var channel = "#" + room;
        var ann = ClusterFixture.Unique("ircann");
        var bo = ClusterFixture.Unique("natbo");
        var cy = ClusterFixture.Unique("webcy");
        await using var boOnTwo = await cluster.Node(2).RegisterAsync(bo);
        await ProtocolSteps.JoinRoomAsync(boOnTwo, room);
        await using var annOnOne = await cluster.Node(1).IrcGuestAsync(ann);
        await annOnOne.JoinChannelAsync(channel);
        await boOnTwo.ExpectJoinedAsync(room, ann);
        await using var cyOnThree = await cluster.Node(3).RegisterOverWebSocketAsync(cy);
        await ProtocolSteps.JoinRoomAsync(cyOnThree, room);
        await annOnOne.ExpectFromAsync(cy, "JOIN", channel);

        await annOnOne.SendAsync($"PRIVMSG {channel} :from irc on node 1");
        var onTwo = await boOnTwo.ExpectMessageAsync("from irc on node 1");
        Assert.Equal(ann, onTwo.Str("from"));
        Assert.Equal(onTwo.Str("id"), (await cyOnThree.ExpectMessageAsync("from irc on node 1")).Str("id"));
        await ProtocolSteps.SendOkAsync(boOnTwo, room, "from native on node 2", "n1");
        Assert.Equal("from native on node 2", (await annOnOne.ExpectFromAsync(bo, "PRIVMSG", channel)).Trailing);
        await ProtocolSteps.SendOkAsync(cyOnThree, room, "from the web on node 3", "w1");
        Assert.Equal("from the web on node 3", (await annOnOne.ExpectFromAsync(cy, "PRIVMSG", channel)).Trailing);

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(cyOnThree, new { type = "leave", room, id = "l" }, "l"));
        await annOnOne.ExpectFromAsync(cy, "PART", channel);
        await annOnOne.SendAsync($"PART {channel}");
        Assert.Equal("left", await boOnTwo.ExpectLeftAsync(room, ann));
        await annOnOne.SendAsync("QUIT");
        Assert.Equal("quit", await boOnTwo.ExpectLeftAsync("lobby", ann));
    }

    [Fact]
    public async Task Private_messages_cross_nodes_between_irc_and_native_both_ways()
    {
        var ann = ClusterFixture.Unique("ircpm");
        var bo = ClusterFixture.Unique("natpm");
        await using var boOnThree = await cluster.Node(3).RegisterAsync(bo);
        await using var annOnOne = await cluster.Node(1).IrcGuestAsync(ann);

        await annOnOne.SendAsync($"PRIVMSG {bo} :across nodes");
        var received = await boOnThree.ExpectMessageAsync("across nodes");
        Assert.Equal((ann, bo), (received.Str("from"), received.Str("to")));

        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(boOnThree, new { type = "send", to = ann, text = "and back", id = "r1" }, "r1"));
        var back = await annOnOne.ExpectFromAsync(bo, "PRIVMSG", ann);
        Assert.Equal("and back", back.Trailing);
    }

    [Fact]
    public async Task Chathistory_and_read_markers_on_node_1_see_what_node_2_wrote_in_postgresql()
    {
        var room = ClusterFixture.Unique("ircmem");
        var channel = "#" + room;
        var ann = ClusterFixture.Unique("ircacct");
        var bo = ClusterFixture.Unique("natmem");
        await using var boOnTwo = await cluster.Node(2).RegisterAsync(bo);
        await ProtocolSteps.JoinRoomAsync(boOnTwo, room);
        await using var annNative = await cluster.Node(2).RegisterAsync(ann);
        await ProtocolSteps.JoinRoomAsync(annNative, room);
        var ids = new List<string>();
        for (var i = 1; i <= 3; i++)
        {
            ids.Add((await ProtocolSteps.SendOkAsync(boOnTwo, room, $"stored {i}", $"h{i}")).Str("msg")!);
        }

        // ann's IRC login on node 1 enters the room (her account is in it) and reads what node 2 stored.
        await using var annOnOne = await IrcTestClient.RegisterAsync(cluster.Node(1).IrcPort(), ann, ProtocolSteps.Password,
            "batch", "server-time", "message-tags", "draft/chathistory", "draft/read-marker");
        await annOnOne.ExpectAsync(l => l.Command == "366" && l.Param(1) == channel);
        await annOnOne.SendAsync($"CHATHISTORY LATEST {channel} * 10");
        var batch = await annOnOne.CollectUntilAsync(l => l.Command == "BATCH" && l.Param(0)!.StartsWith('-'));
        var replayed = batch.Where(l => l.Command == "PRIVMSG").ToList();
        Assert.Equal(["stored 1", "stored 2", "stored 3"], replayed.Select(l => l.Trailing));
        Assert.Equal(ids, replayed.Select(l => l.Tag("msgid")));

        // A read marker set on node 1 reaches the account's native connection on node 2 as its read position.
        await annOnOne.SendAsync($"MARKREAD {channel} timestamp={replayed[1].Tag("time")}");
        var read = await annNative.ReadUntilAsync(f => f.Type() == "read" && f.Str("room") == room);
        Assert.Equal(2, read["seq"]!.GetValue<long>());
    }
}
