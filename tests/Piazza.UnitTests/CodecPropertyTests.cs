using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>
/// Property-based tests of <see cref="LineFramer"/> and <see cref="FrameCodec"/> (CsCheck): for random bytes, random
/// JSON and random valid frames, nothing throws, every line is a frame or a specific error, and valid frames round
/// trip. A failure prints the seed that reproduces it (pass it as <c>seed:</c> to <c>Sample</c>).
/// </summary>
public class CodecPropertyTests
{
    private const int Iterations = 2_000;

    private static readonly string[] FieldNames =
    [
        "type", "id", "user", "protocol", "client", "room", "text", "password", "newPassword", "token", "resume", "to",
        "with", "before", "after", "limit", "topic", "Type", "TYPE", "x",
    ];

    private static readonly ErrorCode[] Codes = [ErrorCode.BadFrame, ErrorCode.BadRequest];

    /// <summary>Bytes that stress the framer and the JSON reader: structure, newlines, and bytes invalid in UTF-8.</summary>
    private static readonly Gen<byte> HostileByte = Gen.Frequency(
        (4, Gen.Byte),
        (3, Gen.OneOf("{}[]\":,\\ \r\n0123456789.-+eEtrufalsn"u8.ToArray())),
        (1, Gen.OneOf<byte>(0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xF5, 0xFF, 0x00)));

    /// <summary>Strings with every kind of character, including controls, bidi controls and (lone) surrogates.</summary>
    private static readonly Gen<string> AnyString = Gen.Frequency(
        (3, Gen.String),
        (2, Gen.Char.Array[0, 12].Select(c => new string(c))),
        (2, Gen.OneOf("", "hello", "lobby", "Zoë", "שלום\u202E", "a\u0000b", "\uD800", "\uDC00x", "😀", "\u200D", new string('x', 300))));

    /// <summary>Random JSON text: nesting (up to well past the depth limit), huge numbers, wrong types, duplicate keys.</summary>
    private static readonly Gen<string> AnyJson = Gen.Frequency(
        (6, Member(JsonValue(4)).Array[1, 6].Select(m => "{" + string.Join(',', m) + "}")),
        (2, Gen.Select(Member(JsonValue(2)).Array[0, 3], Gen.Int[0, 40], JsonScalar, (m, depth, inner) =>
            "{" + string.Join(',', m.Append("\"x\":" + Nest(depth, inner))) + "}")),
        (1, JsonValue(3)));

    private static Gen<string> JsonScalar => Gen.Frequency(
        (3, AnyString.Select(s => JsonSerializer.Serialize(s))),
        (2, Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("1e309", "-0", "123456789012345678901234567890", "0.1", "1E-400", "NaN", "true", "false", "null", "\"\\ud800\"", "\"\\u0000\"", "01", "\"\\x\"")));

    private static Gen<string> Member(Gen<string> value) => Gen.Select(Gen.OneOf(FieldNames), value, (k, v) => $"\"{k}\":{v}");

    /// <summary>JSON values nested up to <paramref name="depth"/> levels; each level built once (a small branching factor keeps sizes bounded).</summary>
    private static Gen<string> JsonValue(int depth)
    {
        var value = JsonScalar;
        for (var level = 0; level < depth; level++)
        {
            var inner = value;
            value = Gen.Frequency(
                (3, JsonScalar),
                (1, Member(inner).Array[0, 3].Select(m => "{" + string.Join(',', m) + "}")),
                (1, inner.Array[0, 3].Select(items => "[" + string.Join(',', items) + "]")));
        }

        return value;
    }

    private static string Nest(int depth, string inner)
        => string.Concat(Enumerable.Range(0, depth).Select(i => i % 2 == 0 ? "[" : "{\"a\":")) + inner
           + string.Concat(Enumerable.Range(0, depth).Reverse().Select(i => i % 2 == 0 ? "]" : "}"));

    /// <summary>Strings that are valid UTF-16 (what a decoded frame can hold), from every plane.</summary>
    private static readonly Gen<string> AnyText = AnyString.Where(s => !Piazza.Core.UnicodeHygiene.HasUnpairedSurrogate(s));

    /// <summary>Valid client frames: any type and any field values the model can hold.</summary>
    private static readonly Gen<ClientFrame> AnyClientFrame =
        Gen.Select(
            Gen.OneOf(FrameTypes.Hello, FrameTypes.Send, FrameTypes.Join, FrameTypes.Who, FrameTypes.History, "nonsense"),
            OrNull(AnyText),
            OrNull(AnyText),
            OrNull(AnyText),
            OrNull(Gen.Long.Select(n => (long?)n)),
            OrNull(Gen.Int.Select(n => (int?)n)),
            OrNull(Gen.Select(Gen.String[0, 8], Gen.Long).Array[0, 3].Select(pairs => pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2))),
            (type, id, text, room, before, limit, resume) => new ClientFrame
            {
                Type = type,
                Id = id,
                Text = text,
                Room = room,
                Before = before,
                Limit = limit,
                Resume = resume,
            });

    private static Gen<T?> OrNull<T>(Gen<T> gen) where T : class? => Gen.Frequency((1, Gen.Const(default(T?))), (3, gen.Select(v => (T?)v)));

    private static Gen<T?> OrNull<T>(Gen<T?> gen) where T : struct => Gen.Frequency((1, Gen.Const(default(T?))), (3, gen));

    private static ReadOnlySequence<byte> Line(string text) => new(Encoding.UTF8.GetBytes(text));

    /// <summary>The only outcomes a decode may have: a frame with a type, or bad_frame/bad_request with a message.</summary>
    private static void AssertFrameOrSpecificError(ReadOnlySequence<byte> line)
    {
        if (FrameCodec.TryDecodeClient(line, out var frame, out var error))
        {
            Assert.False(string.IsNullOrEmpty(frame.Type));
        }
        else
        {
            Assert.Contains(error.Code, Codes);
            Assert.False(string.IsNullOrEmpty(error.Message));
        }
    }

    [Fact]
    public void Random_bytes_through_the_framer_and_codec_never_throw()
    {
        Gen.Select(HostileByte.Array[0, 400], Gen.Int[1, 64]).Sample((bytes, chunk) =>
        {
            foreach (var line in Frame(bytes, chunk, maxLineBytes: 128, out _))
            {
                AssertFrameOrSpecificError(line);
                Assert.True(line.Length is > 0 and <= 128);
            }
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void The_framer_finds_the_same_lines_however_the_bytes_are_split()
    {
        Gen.Select(HostileByte.Array[0, 400], Gen.Int[1, 64]).Sample((bytes, chunk) =>
        {
            var whole = Frame(bytes, bytes.Length + 1, maxLineBytes: 96, out var wholeStatuses);
            var pieces = Frame(bytes, chunk, maxLineBytes: 96, out var pieceStatuses);
            Assert.Equal(whole.Select(l => l.ToArray()), pieces.Select(l => l.ToArray()));

            // An oversize line is reported at least once whichever way it arrives (the split decides only when).
            Assert.Equal(wholeStatuses.Contains(LineStatus.TooLong), pieceStatuses.Contains(LineStatus.TooLong));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Random_json_decodes_to_a_frame_or_a_specific_error_the_same_way_every_time()
    {
        AnyJson.Sample(json =>
        {
            var line = Line(json);
            AssertFrameOrSpecificError(line);
            var first = FrameCodec.TryDecodeClient(line, out var a, out var ea);
            var second = FrameCodec.TryDecodeClient(line, out var b, out var eb);
            Assert.Equal(first, second);
            Assert.Equal(ea, eb);
            if (first)
            {
                Assert.Equal(FrameCodec.EncodeLine(a), FrameCodec.EncodeLine(b));
            }
        }, iter: Iterations, threads: 1, print: json => json);
    }

    [Fact]
    public void Json_deeper_than_the_limit_is_always_bad_frame()
    {
        Gen.Int[ProtocolConstants.MaxJsonDepth, 2_000].Sample(depth =>
        {
            var json = "{\"type\":\"send\",\"x\":" + new string('[', depth) + new string(']', depth) + "}";
            Assert.False(FrameCodec.TryDecodeClient(Line(json), out _, out var error));
            Assert.Equal(ErrorCode.BadFrame, error.Code);
        }, iter: 200, threads: 1);
    }

    [Fact]
    public void A_repeated_field_is_refused_whatever_the_values()
    {
        Gen.Select(Gen.OneOf("type", "text", "id", "room", "limit", "resume"), JsonScalar, JsonScalar).Sample((field, first, second) =>
        {
            var json = $"{{\"type\":\"send\",\"{field}\":{first},\"{field}\":{second}}}";
            Assert.False(FrameCodec.TryDecodeClient(Line(json), out _, out var error), json);
            Assert.Contains(error.Code, Codes);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Valid_frames_round_trip_through_encoding_framing_and_decoding()
    {
        AnyClientFrame.Sample(frame =>
        {
            var encoded = FrameCodec.EncodeLine(frame);
            var lines = Frame(encoded, encoded.Length, maxLineBytes: ProtocolConstants.DefaultMaxLineBytes, out _);
            var line = Assert.Single(lines);
            Assert.True(FrameCodec.TryDecodeClient(line, out var decoded, out var error), error.Message);
            Assert.Equal(encoded, FrameCodec.EncodeLine(decoded));
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void An_escaped_unpaired_surrogate_anywhere_is_bad_frame()
    {
        Gen.Select(Gen.OneOf("\\ud800", "\\udfff", "\\udc00\\ud800", "a\\ud83d"), Gen.Int[0, 3]).Sample((escape, place) =>
        {
            var json = place switch
            {
                0 => $"{{\"type\":\"send\",\"text\":\"{escape}\"}}",
                1 => $"{{\"type\":\"send\",\"id\":\"{escape}\"}}",
                2 => $"{{\"type\":\"hello\",\"resume\":{{\"{escape}\":1}}}}",
                _ => $"{{\"type\":\"send\",\"x\":[{{\"{escape}\":\"{escape}\"}}]}}",
            };
            Assert.False(FrameCodec.TryDecodeClient(Line(json), out _, out var error), json);
            Assert.Equal(ErrorCode.BadFrame, error.Code);
        }, iter: 100, threads: 1);
        Assert.True(FrameCodec.TryDecodeClient(Line("{\"type\":\"send\",\"text\":\"\\ud83d\\ude00\"}"), out var frame, out _));
        Assert.Equal("😀", frame.Text);
    }

    /// <summary>Feeds bytes to a framer in chunks, as a pipe would, and collects the lines (copied) and statuses.</summary>
    private static List<ReadOnlySequence<byte>> Frame(byte[] bytes, int chunk, int maxLineBytes, out List<LineStatus> statuses)
    {
        var framer = new LineFramer(maxLineBytes);
        var lines = new List<ReadOnlySequence<byte>>();
        statuses = [];
        var pending = Array.Empty<byte>();
        for (var start = 0; start < bytes.Length; start += chunk)
        {
            var data = pending.Concat(bytes.Skip(start).Take(chunk)).ToArray();
            var buffer = new ReadOnlySequence<byte>(data);
            while (true)
            {
                var status = framer.TryReadLine(ref buffer, out var line);
                if (status == LineStatus.NeedMoreData)
                {
                    break;
                }

                statuses.Add(status);
                if (status == LineStatus.Line)
                {
                    lines.Add(new ReadOnlySequence<byte>(line.ToArray()));
                }
            }

            pending = buffer.ToArray();
        }

        return lines;
    }
}
