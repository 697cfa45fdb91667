namespace Piazza.Bench;

/// <summary>
/// Frames and bytes the server sent to a set of connections after their welcomes, by kind: what joining costs
/// the others (<c>joined</c>, <c>left</c>, <c>presence</c>) next to everything else. Counted with Interlocked.
/// </summary>
internal sealed class FrameTally
{
    private long _frames;
    private long _bytes;
    private long _joined;
    private long _left;
    private long _presence;

    public long Frames => Interlocked.Read(ref _frames);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Joined => Interlocked.Read(ref _joined);

    public long Left => Interlocked.Read(ref _left);

    public long Presence => Interlocked.Read(ref _presence);

    public void Count(ReadOnlySpan<byte> line)
    {
        Interlocked.Increment(ref _frames);
        Interlocked.Add(ref _bytes, line.Length + 1);
        if (line.StartsWith("{\"type\":\"joined\""u8))
        {
            Interlocked.Increment(ref _joined);
        }
        else if (line.StartsWith("{\"type\":\"left\""u8))
        {
            Interlocked.Increment(ref _left);
        }
        else if (line.StartsWith("{\"type\":\"presence\""u8))
        {
            Interlocked.Increment(ref _presence);
        }
    }
}
