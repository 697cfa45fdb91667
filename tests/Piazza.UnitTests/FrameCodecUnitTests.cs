using System.Buffers;
using System.Text;
using Piazza.Protocol;

namespace Piazza.UnitTests;

public class FrameCodecUnitTests
{
    private static (bool Ok, ClientFrame Frame, DecodeError Error) Decode(string text) => Decode(Encoding.UTF8.GetBytes(text));

    private static (bool Ok, ClientFrame Frame, DecodeError Error) Decode(byte[] bytes)
    {
        var ok = FrameCodec.TryDecodeClient(new ReadOnlySequence<byte>(bytes), out var frame, out var error);
        return (ok, frame, error);
    }

    [Fact]
    public void Hello_decodes_with_all_fields()
    {
        var (ok, frame, _) = Decode("""{"type":"hello","user":"alice","protocol":1,"client":"piazza-tui/0.1","id":"h"}""");
        Assert.True(ok);
        Assert.Equal(("hello", "alice", 1, "piazza-tui/0.1", "h"), (frame.Type, frame.User, frame.Protocol, frame.Client, frame.Id));
    }

    [Fact]
    public void Unknown_fields_are_ignored()
    {
        var (ok, frame, _) = Decode("""{"type":"send","text":"hi","future":{"a":[1,2]},"x":null}""");
        Assert.True(ok);
        Assert.Equal("hi", frame.Text);
    }

    [Theory]
    [InlineData("not json", "bad_frame")]
    [InlineData("{\"type\":\"send\"", "bad_frame")]
    [InlineData("[1,2]", "bad_frame")]
    [InlineData("\"hello\"", "bad_frame")]
    [InlineData("42", "bad_frame")]
    [InlineData("{}", "bad_frame")]
    [InlineData("{\"type\":7}", "bad_request")]
    [InlineData("{\"type\":\"\"}", "bad_frame")]
    [InlineData("{\"type\":\"send\",\"text\":5,\"id\":\"c9\"}", "bad_request")]
    [InlineData("{\"type\":\"send\",\"text\":\"a\",\"text\":\"b\"}", "bad_request")]
    public void Bad_frames_get_the_right_code(string line, string code)
    {
        var (ok, _, error) = Decode(line);
        Assert.False(ok);
        Assert.Equal(code, error.Code.ToWire());
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    [Fact]
    public void Bad_request_keeps_the_request_id_so_the_client_can_match_the_error()
    {
        var (_, _, error) = Decode("""{"type":"send","text":5,"id":"c9"}""");
        Assert.Equal("c9", error.RequestId);
    }

    [Fact]
    public void Invalid_utf8_is_refused_not_turned_into_mojibake()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"type\":\"send\",\"text\":\"X\"}");
        bytes[Array.IndexOf(bytes, (byte)'X')] = 0xC3; // a lead byte with no continuation
        var (ok, _, error) = Decode(bytes);
        Assert.False(ok);
        Assert.Equal(ErrorCode.BadFrame, error.Code);
        Assert.Contains("UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf8_split_across_segments_is_refused()
    {
        var first = new byte[] { (byte)'{', (byte)'"', 0xE2 };
        var second = new byte[] { 0x28, 0xA1, (byte)'"', (byte)':', (byte)'1', (byte)'}' };
        var sequence = TwoSegments(first, second);
        Assert.False(FrameCodec.TryDecodeClient(sequence, out _, out var error));
        Assert.Equal(ErrorCode.BadFrame, error.Code);
    }

    [Fact]
    public void Valid_frame_split_across_segments_decodes()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"type":"send","text":"€uro"}""");
        for (var cut = 1; cut < bytes.Length; cut++)
        {
            Assert.True(FrameCodec.TryDecodeClient(TwoSegments(bytes[..cut], bytes[cut..]), out var frame, out _));
            Assert.Equal("€uro", frame.Text);
        }
    }

    [Fact]
    public void Deep_nesting_is_refused()
    {
        var deep = "{\"type\":\"send\",\"x\":" + new string('[', 200) + new string(']', 200) + "}";
        var (ok, _, error) = Decode(deep);
        Assert.False(ok);
        Assert.Equal(ErrorCode.BadFrame, error.Code);
        Assert.Contains("deeper", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Server_frames_round_trip_and_end_in_one_newline()
    {
        var frame = new ServerFrame { Type = "message", Id = "m1", Seq = 7, Room = "lobby", From = "bob", Text = "line1\nline2 \"q\" 😀", Ts = "2026-11-24T10:00:00.123Z" };
        var bytes = FrameCodec.EncodeLine(frame);
        Assert.Equal((byte)'\n', bytes[^1]);
        Assert.Equal(1, bytes.Count(b => b == (byte)'\n'));
        Assert.True(FrameCodec.TryDecodeServer(new ReadOnlySequence<byte>(bytes, 0, bytes.Length - 1), out var back, out _));
        Assert.Equal((frame.Text, frame.Seq, frame.From), (back.Text, back.Seq, back.From));
    }

    [Fact]
    public void Null_fields_are_omitted_when_writing()
    {
        var text = Encoding.UTF8.GetString(FrameCodec.EncodeLine(new ServerFrame { Type = "pong", Re = "c3" }));
        Assert.Equal("{\"type\":\"pong\",\"re\":\"c3\"}\n", text);
    }

    private static ReadOnlySequence<byte> TwoSegments(byte[] first, byte[] second)
    {
        var a = new Segment(first, 0);
        var b = a.Append(second);
        return new ReadOnlySequence<byte>(a, 0, b, second.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
