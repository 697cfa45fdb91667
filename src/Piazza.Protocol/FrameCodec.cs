using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Piazza.Protocol;

/// <summary>A frame that could not be decoded, with the protocol error code to answer it with.</summary>
public readonly record struct DecodeError(ErrorCode Code, string Message, string? RequestId);

/// <summary>
/// Encodes and decodes protocol v1 frames (one JSON object per line). Pure functions over bytes:
/// usable from any door, the client library and the benchmarks, and testable without sockets.
/// </summary>
public static class FrameCodec
{
    // Raw UTF-8 on the wire instead of \uXXXX escapes: frames are never embedded in HTML,
    // and chat text is mostly non-ASCII for many users.
    private static readonly WireJsonContext Context = new(new JsonSerializerOptions(WireJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = ProtocolConstants.MaxJsonDepth };

    /// <summary>Decodes one client frame from a line without its terminator.</summary>
    public static bool TryDecodeClient(in ReadOnlySequence<byte> line, out ClientFrame frame, out DecodeError error)
        => TryDecode(line, Context.ClientFrame, static f => f.Type, static f => f.Id, out frame, out error);

    /// <summary>Decodes one server frame from a line without its terminator.</summary>
    public static bool TryDecodeServer(in ReadOnlySequence<byte> line, out ServerFrame frame, out DecodeError error)
        => TryDecode(line, Context.ServerFrame, static f => f.Type, static f => f.Id, out frame, out error);

    /// <summary>Writes a server frame followed by <c>\n</c>.</summary>
    public static void WriteLine(IBufferWriter<byte> output, ServerFrame frame)
    {
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Context.Options.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, frame, Context.ServerFrame);
        }

        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    /// <summary>Writes a client frame followed by <c>\n</c>.</summary>
    public static void WriteLine(IBufferWriter<byte> output, ClientFrame frame)
    {
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = Context.Options.Encoder, SkipValidation = true }))
        {
            JsonSerializer.Serialize(writer, frame, Context.ClientFrame);
        }

        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    /// <summary>Encodes a server frame as one complete line, ready to be shared by every recipient.</summary>
    public static byte[] EncodeLine(ServerFrame frame)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteLine(buffer, frame);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes a client frame as one complete line.</summary>
    public static byte[] EncodeLine(ClientFrame frame)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        WriteLine(buffer, frame);
        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryDecode<T>(
        in ReadOnlySequence<byte> line,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo,
        Func<T, string?> type,
        Func<T, string?> id,
        out T frame,
        out DecodeError error)
        where T : class
    {
        frame = null!;
        if (!IsValidUtf8(line))
        {
            error = new DecodeError(ErrorCode.BadFrame, "frame is not valid UTF-8", null);
            return false;
        }

        // A first pass checks the JSON syntax and shape, so that a syntax error (bad_frame) is told apart
        // from a well-formed object whose fields have the wrong types (bad_request).
        if (!TryCheckShape(line, out var requestId, out error))
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(line, ReaderOptions);
            frame = JsonSerializer.Deserialize(ref reader, typeInfo)!;
        }
        catch (JsonException ex)
        {
            error = new DecodeError(ErrorCode.BadRequest, $"invalid field {ex.Path ?? "$"}", requestId);
            return false;
        }

        if (string.IsNullOrEmpty(type(frame)))
        {
            error = new DecodeError(ErrorCode.BadFrame, "frame has no \"type\" string", id(frame));
            return false;
        }

        error = default;
        return true;
    }

    private static bool TryCheckShape(in ReadOnlySequence<byte> line, out string? requestId, out DecodeError error)
    {
        requestId = null;
        var reader = new Utf8JsonReader(line, ReaderOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = new DecodeError(ErrorCode.BadFrame, "frame is not a JSON object", null);
                return false;
            }

            while (reader.Read())
            {
                // An escaped lone surrogate ("\ud800") is valid JSON syntax but no valid text: refuse it here, where
                // every string is seen, instead of letting it surface as an exception or a U+FFFD later.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped && !IsValidEscapedText(ref reader))
                {
                    error = new DecodeError(ErrorCode.BadFrame, "frame contains a \\u escape that is not valid UTF-16 (an unpaired surrogate)", null);
                    return false;
                }

                if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        if (reader.ValueIsEscaped && !IsValidEscapedText(ref reader))
                        {
                            error = new DecodeError(ErrorCode.BadFrame, "frame contains a \\u escape that is not valid UTF-16 (an unpaired surrogate)", null);
                            return false;
                        }

                        requestId = reader.GetString();
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            var message = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                ? $"frame nests deeper than {ProtocolConstants.MaxJsonDepth} levels"
                : "frame is not valid JSON";
            error = new DecodeError(ErrorCode.BadFrame, message, null);
            return false;
        }

        error = default;
        return true;
    }

    private static bool IsValidEscapedText(ref Utf8JsonReader reader)
    {
        try
        {
            _ = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsValidUtf8(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            return Utf8.IsValid(line.FirstSpan);
        }

        // Multi-segment lines are rare (a frame split across socket reads); copy to validate across boundaries.
        var copy = line.Length <= 4096 ? stackalloc byte[(int)line.Length] : new byte[line.Length];
        line.CopyTo(copy);
        return Utf8.IsValid(copy);
    }
}
