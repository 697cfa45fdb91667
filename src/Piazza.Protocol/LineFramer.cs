using System.Buffers;

namespace Piazza.Protocol;

/// <summary>Outcome of one <see cref="LineFramer.TryReadLine"/> call.</summary>
public enum LineStatus
{
    /// <summary>No complete line is buffered yet; read more bytes.</summary>
    NeedMoreData,

    /// <summary>A complete line was returned.</summary>
    Line,

    /// <summary>
    /// A line longer than the limit was seen. It is discarded as it arrives (never buffered whole),
    /// so the connection stays usable from the next line on.
    /// </summary>
    TooLong,
}

/// <summary>
/// Splits a byte stream into lines ending in <c>\n</c> (a preceding <c>\r</c> is dropped), enforcing
/// a maximum line length. Stateful only to remember that an oversize line is being skipped; one per connection.
/// </summary>
public struct LineFramer(int maxLineBytes)
{
    private bool _discarding;

    public readonly int MaxLineBytes { get; } = maxLineBytes;

    /// <summary>
    /// Tries to take one line off the front of <paramref name="buffer"/>. On return, <paramref name="buffer"/>
    /// starts after whatever was consumed; pass its start as "consumed" and the original end as "examined"
    /// to <c>PipeReader.AdvanceTo</c>.
    /// </summary>
    public LineStatus TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        line = default;
        while (true)
        {
            var newline = buffer.PositionOf((byte)'\n');
            if (_discarding)
            {
                if (newline is null)
                {
                    buffer = buffer.Slice(buffer.End);
                    return LineStatus.NeedMoreData;
                }

                buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                _discarding = false;
                continue;
            }

            if (newline is null)
            {
                // +1 leaves room for a '\r' that belongs to a line of exactly the maximum length.
                if (buffer.Length > MaxLineBytes + 1)
                {
                    _discarding = true;
                    buffer = buffer.Slice(buffer.End);
                    return LineStatus.TooLong;
                }

                return LineStatus.NeedMoreData;
            }

            var content = buffer.Slice(0, newline.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            if (content.Length > 0 && EndsWithCarriageReturn(content))
            {
                content = content.Slice(0, content.Length - 1);
            }

            if (content.Length > MaxLineBytes)
            {
                return LineStatus.TooLong;
            }

            if (content.Length == 0)
            {
                continue; // blank lines are harmless keep-alives; skip them
            }

            line = content;
            return LineStatus.Line;
        }
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> content)
    {
        var last = content.Slice(content.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
