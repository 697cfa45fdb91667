using System.Text.Json.Nodes;
using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>
/// Issue 15's message features on the real cluster (three processes, Redis, PostgreSQL): a reply, an edit, a reaction
/// and a pin made on one node are heard on the others, and a later entry, <c>history</c> and <c>search</c> on a third
/// node serve the result.
/// </summary>
[Collection(ClusterCollection.Name)]
public class CrossNodeMessageFeaturesTests(ClusterFixture cluster)
{
    private const string Thumb = "👍";

    [Fact]
    public async Task A_reply_edit_reaction_and_pin_made_on_three_nodes_are_heard_everywhere_and_served_by_history_and_search_on_node_3()
    {
        var room = ClusterFixture.Unique("features");
        var alice = ClusterFixture.Unique("featann");
        var bob = ClusterFixture.Unique("featbo");
        var carol = ClusterFixture.Unique("featcy");
        await using var aliceOnOne = await cluster.Node(1).RegisterAsync(alice);
        await ProtocolSteps.JoinRoomAsync(aliceOnOne, room); // alice creates the room, so she owns it and may pin
        await using var bobOnTwo = await cluster.Node(2).RegisterAsync(bob);
        await ProtocolSteps.JoinRoomAsync(bobOnTwo, room);
        await using var carolOnThree = await cluster.Node(3).RegisterAsync(carol);
        await ProtocolSteps.JoinRoomAsync(carolOnThree, room);
        await aliceOnOne.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == carol);
        await bobOnTwo.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == carol);

        // bob asks on node 2; alice answers it from node 1, and carol on node 3 gets the reply with its quote.
        var original = await ProtocolSteps.SendOkAsync(bobOnTwo, room, "deploy on thursday?", "b1");
        var msg = original.Str("msg")!;
        var answered = await ProtocolSteps.RequestAsync(aliceOnOne, new { type = "send", room, text = "fine by me", reply = msg, id = "a1" }, "a1");
        ProtocolSteps.AssertOk(answered);
        var replyId = answered.Str("msg")!;
        var replyOnThree = await carolOnThree.ReadUntilAsync(f => f.Type() == "message" && f.Str("id") == replyId);
        AssertQuote(replyOnThree, msg, original.Seq(), bob, "deploy on thursday?");

        // bob edits on node 2: alice on node 1 and carol on node 3 get the same edited frame.
        var edit = await ProtocolSteps.RequestAsync(bobOnTwo, new { type = "edit", msg, text = "deploy on friday after lunch", id = "e1" }, "e1");
        ProtocolSteps.AssertOk(edit);
        var editedAt = edit.Str("editedAt")!;
        foreach (var listener in new[] { aliceOnOne, carolOnThree })
        {
            var edited = await listener.ReadUntilAsync(f => f.Type() == "edited" && f.Str("msg") == msg);
            Assert.Equal((room, original.Seq(), "deploy on friday after lunch", editedAt, bob), (edited.Str("room"), edited.Seq(), edited.Str("text"), edited.Str("editedAt"), edited.Str("by")));
        }

        // carol reacts on node 3: alice (node 1) and bob (node 2) hear it.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(carolOnThree, new { type = "react", msg, emoji = Thumb, id = "r1" }, "r1"));
        foreach (var listener in new[] { aliceOnOne, bobOnTwo })
        {
            var reaction = await listener.ReadUntilAsync(f => f.Type() == "reaction" && f.Str("msg") == msg);
            Assert.Equal((room, Thumb, carol, true), (reaction.Str("room"), reaction.Str("emoji"), reaction.Str("user"), reaction["on"]!.GetValue<bool>()));
        }

        // alice, the owner, pins bob's message on node 1: carol on node 3 hears it.
        ProtocolSteps.AssertOk(await ProtocolSteps.RequestAsync(aliceOnOne, new { type = "pin", room, msg, id = "p1" }, "p1"));
        var pinned = await carolOnThree.ReadUntilAsync(f => f.Type() == "pinned" && f.Str("msg") == msg);
        Assert.Equal((room, original.Seq(), alice), (pinned.Str("room"), pinned.Seq(), pinned.Str("by")));

        // A new connection of carol's on node 3 enters the room: its room frame lists the pin, its entry history (node
        // 3's recent messages, kept current by cluster signals) and a history request serve the edit, quote and reaction.
        await using var carolAgain = await cluster.Node(3).LoginAsync(carol);
        var (roomFrame, entry) = await ProtocolSteps.ReadEntryAsync(carolAgain, room);
        Assert.Equal([msg], roomFrame["pinned"]!.AsArray().Select(p => p!.GetValue<string>()));
        AssertServed(entry, "entry history");
        var asked = await ProtocolSteps.RequestAsync(carolAgain, new { type = "history", room, id = "h1" }, "h1");
        AssertServed(asked, "history request");

        // search from node 3 finds the message by a word of its new text, and nothing by a word only the old one had.
        var found = await ProtocolSteps.RequestAsync(carolAgain, new { type = "search", q = "friday", room, id = "s1" }, "s1");
        ProtocolSteps.AssertOk(found);
        Assert.Equal([msg], found["results"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()));
        Assert.Equal("deploy on friday after lunch", found["results"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("\u0002friday\u0003", found["results"]![0]!["snippet"]!.GetValue<string>(), StringComparison.Ordinal);
        var stale = await ProtocolSteps.RequestAsync(carolAgain, new { type = "search", q = "thursday", room, id = "s2" }, "s2");
        ProtocolSteps.AssertOk(stale);
        Assert.Empty(stale["results"]!.AsArray());

        void AssertServed(JsonObject history, string where)
        {
            var messages = history["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
            var served = messages.SingleOrDefault(m => m.Str("id") == msg);
            Assert.True(served is not null, $"{where}: bob's message missing in {history.ToJsonString()}");
            Assert.Equal(("deploy on friday after lunch", editedAt), (served.Str("text"), served.Str("editedAt")));
            var reactions = served["reactions"]!.AsArray();
            Assert.Equal(Thumb, Assert.Single(reactions)!["emoji"]!.GetValue<string>());
            Assert.Equal([carol], reactions[0]!["users"]!.AsArray().Select(u => u!.GetValue<string>()));
            var reply = messages.SingleOrDefault(m => m.Str("id") == replyId);
            Assert.True(reply is not null, $"{where}: alice's reply missing in {history.ToJsonString()}");
            AssertQuote(reply, msg, original.Seq(), bob, "deploy on friday after lunch");
        }
    }

    private static void AssertQuote(JsonObject message, string msg, long seq, string from, string text)
    {
        var quote = message["reply"]?.AsObject();
        Assert.True(quote is not null, $"no quote on {message.ToJsonString()}");
        Assert.Equal((msg, seq, from, text), (quote.Str("msg"), quote.Seq(), quote.Str("from"), quote.Str("text")));
    }
}
