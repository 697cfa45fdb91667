using System.Buffers;
using System.Buffers.Text;

namespace Piazza.Bench.Targets;

/// <summary>
/// One RESP2 reply as far as the benchmark cares: its kind, its integer (or array length), and for arrays
/// the first and last elements (a pub/sub push is <c>[kind, channel, payload]</c>).
/// </summary>
internal readonly record struct RespReply(byte Kind, long Integer, ReadOnlySequence<byte> First, ReadOnlySequence<byte> Last);

/// <summary>A minimal RESP2 reader over a pipe buffer: simple strings, errors, integers, bulk strings, flat arrays.</summary>
internal static class RespReader
{
    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>Takes one complete reply off the front of <paramref name="buffer"/>; false when more bytes are needed.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RespReply reply)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadValue(ref reader, out reply))
        {
            return false;
        }

        buffer = buffer.Slice(reader.Position);
        return true;
    }

    /// <summary>Copies a (usually tiny) sequence into a span-friendly form without allocating when contiguous.</summary>
    public static ReadOnlySpan<byte> AsSpan(in ReadOnlySequence<byte> sequence, Span<byte> scratch)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.FirstSpan;
        }

        var length = (int)Math.Min(sequence.Length, scratch.Length);
        sequence.Slice(0, length).CopyTo(scratch);
        return scratch[..length];
    }

    private static bool TryReadValue(ref SequenceReader<byte> reader, out RespReply reply)
    {
        reply = default;
        if (!reader.TryRead(out var kind) || !reader.TryReadTo(out ReadOnlySequence<byte> line, CrLf))
        {
            return false;
        }

        switch (kind)
        {
            case (byte)'+':
            case (byte)'-':
                reply = new RespReply(kind, 0, line, line);
                return true;
            case (byte)':':
                reply = new RespReply(kind, ParseLong(line), line, line);
                return true;
            case (byte)'$':
                var length = ParseLong(line);
                if (length < 0)
                {
                    reply = new RespReply(kind, length, default, default);
                    return true;
                }

                // +2 for the CRLF after the data.
                if (reader.Remaining < length + 2)
                {
                    return false;
                }

                var data = reader.UnreadSequence.Slice(0, length);
                reader.Advance(length + 2);
                reply = new RespReply(kind, length, data, data);
                return true;
            case (byte)'*':
                var count = ParseLong(line);
                ReadOnlySequence<byte> first = default, last = default;
                for (var i = 0; i < count; i++)
                {
                    if (!TryReadValue(ref reader, out var element))
                    {
                        return false;
                    }

                    if (i == 0)
                    {
                        first = element.First;
                    }

                    last = element.First;
                }

                reply = new RespReply(kind, count, first, last);
                return true;
            default:
                throw new InvalidDataException($"unexpected RESP type byte 0x{kind:x2}");
        }
    }

    private static long ParseLong(in ReadOnlySequence<byte> line)
    {
        Span<byte> scratch = stackalloc byte[24]; // a long is at most 20 characters with its sign
        return Utf8Parser.TryParse(AsSpan(line, scratch), out long value, out _)
            ? value
            : throw new InvalidDataException("bad RESP integer");
    }
}
