using System.Buffers.Text;

namespace Piazza.Bench;

/// <summary>
/// The text every benchmark message carries: <c>{sendTicks}:{sender}:{n}:</c> padded with 'x' to a fixed size.
/// Plain ASCII, so it needs no JSON escaping and a receiver parses it straight from the wire bytes.
/// </summary>
internal static class Payload
{
    /// <summary>Longest header: three longs as decimal (at most 20 digits each) and three separators.</summary>
    public const int MaxHeaderBytes = 63;

    /// <summary>Writes one payload into <paramref name="destination"/> and returns its length.</summary>
    public static int Format(Span<byte> destination, long sendTicks, int sender, long sequence, int size)
    {
        var length = 0;
        length += Write(destination[length..], sendTicks);
        length += Write(destination[length..], sender);
        length += Write(destination[length..], sequence);
        if (size > length)
        {
            destination[length..size].Fill((byte)'x');
            length = size;
        }

        return length;
    }

    /// <summary>Reads the header back; false when the text is not a benchmark payload.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long sendTicks, out int sender, out long sequence)
    {
        sender = 0;
        sequence = 0;
        if (!Utf8Parser.TryParse(text, out sendTicks, out var consumed) || consumed >= text.Length || text[consumed] != ':')
        {
            return false;
        }

        text = text[(consumed + 1)..];
        if (!Utf8Parser.TryParse(text, out sender, out consumed) || consumed >= text.Length || text[consumed] != ':')
        {
            return false;
        }

        text = text[(consumed + 1)..];
        return Utf8Parser.TryParse(text, out sequence, out _);
    }

    private static int Write(Span<byte> destination, long value)
    {
        if (!Utf8Formatter.TryFormat(value, destination, out var written))
        {
            throw new ArgumentException("payload buffer too small", nameof(destination));
        }

        destination[written] = (byte)':';
        return written + 1;
    }
}
