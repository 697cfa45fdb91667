using System.Text;
using System.Text.Json.Nodes;
using Piazza.Core;
using Piazza.Core.Replies;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.UnitTests;

/// <summary>A reply's quote: its 200 text elements, what deletion leaves of it, and its JSON in the one message shape.</summary>
public class ReplyQuoteUnitTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, TimeSpan.Zero);

    private static JsonObject Json(MessageEvent message)
        => JsonNode.Parse(Encoding.UTF8.GetString(FrameCodec.EncodeLine(MessageJson.ToFrame(message))))!.AsObject();

    [Theory]
    [InlineData(200, 200)]
    [InlineData(201, 200)]
    [InlineData(3, 3)]
    public void Shorten_keeps_at_most_200_text_elements(int count, int kept)
    {
        Assert.Equal(new string('x', kept), ReplyQuote.Shorten(new string('x', count)));
        var family = "👨‍👩‍👧"; // one text element of 8 UTF-16 units
        Assert.Equal(string.Concat(Enumerable.Repeat(family, kept)), ReplyQuote.Shorten(string.Concat(Enumerable.Repeat(family, count))));
        var accented = "e\u0301"; // e + combining acute: one element, never split
        Assert.Equal(string.Concat(Enumerable.Repeat(accented, kept)), ReplyQuote.Shorten(string.Concat(Enumerable.Repeat(accented, count))));
    }

    [Fact]
    public void A_reply_carries_its_quote_and_a_deleted_original_leaves_no_text()
    {
        var reply = new MessageEvent("m2", 2, "dev", "dev", "alice", null, "yes", At) { Reply = ReplyQuote.Of("m1", 1, "bob", "ship it?", deleted: false) };
        Assert.Equal("""{"msg":"m1","seq":1,"from":"bob","text":"ship it?"}""", Json(reply)["reply"]!.ToJsonString());

        var followed = reply.WithReply(reply.Reply!.Following(null));
        Assert.Equal("""{"msg":"m1","seq":1,"from":"bob","deleted":true}""", Json(followed)["reply"]!.ToJsonString());
        Assert.Equal("yes", followed.Text);
        Assert.Equal("ship it?", reply.Reply.Text); // the original event is untouched (it may be encoded already)

        Assert.False(Json(reply.AsDeleted("alice")).ContainsKey("reply"));
        Assert.False(Json(new MessageEvent("m3", 3, "dev", "dev", "alice", null, "plain", At)).ContainsKey("reply"));
    }
}
