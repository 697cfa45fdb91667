using BenchmarkDotNet.Attributes;
using Piazza.Core;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.Bench.Micro;

/// <summary>
/// One message delivered to N connections of the JSON-lines door: <see cref="ChatEvent.GetEncoded"/> encodes it once
/// and hands every recipient the same bytes; the baseline encodes it again for each recipient, as a door without the
/// cache would. Each operation is a fresh event (the cache lives on the event).
/// </summary>
[MemoryDiagnoser]
public class EncodeOnceBenchmarks
{
    private static readonly string Text = new('x', 64);
    private static readonly DateTimeOffset Timestamp = new(2026, 12, 6, 11, 0, 0, TimeSpan.Zero);
    private readonly JsonLinesEventEncoder _encoder = new("bench");
    private long _seq;

    [Params(1, 100, 1000)]
    public int Recipients { get; set; }

    [Benchmark(Baseline = true)]
    public int EncodePerRecipient()
    {
        var message = NextMessage();
        var bytes = 0;
        for (var i = 0; i < Recipients; i++)
        {
            bytes += _encoder.Encode(message).Length;
        }

        return bytes;
    }

    [Benchmark]
    public int EncodeOnce()
    {
        var message = NextMessage();
        var bytes = 0;
        for (var i = 0; i < Recipients; i++)
        {
            bytes += message.GetEncoded(_encoder).Length;
        }

        return bytes;
    }

    private MessageEvent NextMessage() => new("01JZ8Q4S6W3V5N7P9R1T3X5Z7B", ++_seq, "lobby", "lobby", "alice", null, Text, Timestamp);
}
