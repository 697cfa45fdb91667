using System.Text;
using System.Text.Json.Nodes;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.Shared;

namespace Piazza.UnitTests;

/// <summary>The one JSON shape of a message (live, in history, and over REST).</summary>
public class MessageJsonUnitTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 10, 0, 0, 123, TimeSpan.FromHours(2));

    private static JsonObject Json(MessageEvent message)
        => JsonNode.Parse(Encoding.UTF8.GetString(FrameCodec.EncodeLine(MessageJson.ToFrame(message))))!.AsObject();

    [Fact]
    public void A_private_message_with_a_file_has_every_field()
    {
        var file = new FileAttachment("f1", "log.txt", 42, "text/plain", new string('a', 64));
        var json = Json(new MessageEvent("m1", 7, "@alice,bob", "@alice,bob", "alice", "bob", "see", At, file));

        Assert.Equal(
            """{"type":"message","id":"m1","seq":7,"room":"@alice,bob","from":"alice","text":"see","ts":"2026-11-24T08:00:00.123Z","to":"bob","file":{"id":"f1","name":"log.txt","size":42,"mime":"text/plain","sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}""",
            json.ToJsonString());
    }

    [Fact]
    public void A_deleted_message_says_so_with_no_text_and_no_file()
    {
        var file = new FileAttachment("f1", "log.txt", 42, "text/plain", new string('a', 64));
        var json = Json(new MessageEvent("m1", 7, "dev", "dev", "alice", null, "oops", At, file).AsDeleted("bob"));

        Assert.True(json["deleted"]!.GetValue<bool>());
        Assert.Equal("", json["text"]!.GetValue<string>());
        Assert.False(json.ContainsKey("file"));
        Assert.False(json.ContainsKey("to"));
    }

    [Fact]
    public void A_live_message_carries_no_deleted_field()
        => Assert.False(Json(new MessageEvent("m1", 1, "dev", "dev", "alice", null, "hi", At)).ContainsKey("deleted"));
}
