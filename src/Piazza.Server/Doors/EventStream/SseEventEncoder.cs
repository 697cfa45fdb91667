using System.Text;
using System.Text.Json;
using Piazza.Core;
using Piazza.Protocol;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.Server.Doors.EventStream;

/// <summary>
/// Server-Sent Events framing of hub events: <c>event: &lt;frame type&gt;</c> and one <c>data:</c> line holding the
/// very JSON line the protocol sends (<see cref="JsonLinesEventEncoder"/>'s bytes, encoded once for both formats), then
/// the blank line that ends an event. Each event is framed once however many streams carry it; a stream adds only its
/// own <c>id:</c> line before it (<see cref="StreamPositions"/>).
/// </summary>
public sealed class SseEventEncoder(JsonLinesEventEncoder lines) : IEventEncoder
{
    private static readonly byte[] EventField = "event: "u8.ToArray();
    private static readonly byte[] DataField = "\ndata: "u8.ToArray();

    public int Slot => EventEncoderSlots.Sse;

    public byte[] Encode(ChatEvent chatEvent)
    {
        ArgumentNullException.ThrowIfNull(chatEvent);
        return Frame(chatEvent is WelcomeEvent welcome ? WelcomeLine(welcome) : chatEvent.GetEncoded(lines));
    }

    /// <summary>
    /// The stream's <c>welcome</c>: the protocol's, without the token (the caller has it; a stream's bytes may pass
    /// proxies and logs that a bearer token should not). Per stream, so never cached.
    /// </summary>
    public byte[] WelcomeLine(WelcomeEvent welcome)
    {
        var frame = lines.ToFrame(welcome);
        frame.Token = null;
        return FrameCodec.EncodeLine(frame);
    }

    /// <summary>Frames one protocol JSON line (with or without its <c>\n</c>) as an SSE event named by its <c>type</c>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> line)
    {
        var json = line.Length > 0 && line[^1] == (byte)'\n' ? line[..^1] : line;
        var type = TypeOf(json);
        var bytes = new byte[EventField.Length + type.Length + DataField.Length + json.Length + 2];
        var at = 0;
        EventField.CopyTo(bytes, at);
        at += EventField.Length;
        at += Encoding.UTF8.GetBytes(type, bytes.AsSpan(at));
        DataField.CopyTo(bytes, at);
        at += DataField.Length;
        json.CopyTo(bytes.AsSpan(at));
        at += json.Length;
        bytes[at] = (byte)'\n';
        bytes[at + 1] = (byte)'\n';
        return bytes;
    }

    /// <summary>A protocol frame's <c>type</c> (every server frame has one; "message" should one ever lack it).</summary>
    private static string TypeOf(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return "message";
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String && reader.GetString() is { Length: > 0 } type && IsToken(type))
            {
                return type;
            }

            reader.Skip();
        }

        return "message";
    }

    private static bool IsToken(string type)
    {
        foreach (var c in type)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }
}
