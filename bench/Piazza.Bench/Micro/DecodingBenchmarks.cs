using System.Buffers;
using BenchmarkDotNet.Attributes;
using Piazza.Protocol;

namespace Piazza.Bench.Micro;

/// <summary>
/// <see cref="FrameCodec"/> decoding one line: what the server does per client frame (<c>send</c>, <c>hello</c>) and
/// what a client does per delivered <c>message</c>. Each decode validates UTF-8, checks the JSON shape, then binds.
/// </summary>
[MemoryDiagnoser]
public class DecodingBenchmarks
{
    private static readonly ReadOnlySequence<byte> Send = new(
        "{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"id\":\"c42\"}"u8.ToArray());

    private static readonly ReadOnlySequence<byte> Hello = new("{\"type\":\"hello\",\"user\":\"alice\",\"protocol\":1}"u8.ToArray());

    private static readonly ReadOnlySequence<byte> Message = new(
        "{\"type\":\"message\",\"id\":\"01JZ8Q4S6W3V5N7P9R1T3X5Z7B\",\"seq\":12345,\"room\":\"lobby\",\"from\":\"alice\",\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\",\"ts\":\"2026-12-06T11:00:00.123Z\"}"u8.ToArray());

    [Benchmark(Baseline = true)]
    public ClientFrame DecodeSend() => FrameCodec.TryDecodeClient(Send, out var frame, out _) ? frame : throw new InvalidOperationException();

    [Benchmark]
    public ClientFrame DecodeHello() => FrameCodec.TryDecodeClient(Hello, out var frame, out _) ? frame : throw new InvalidOperationException();

    [Benchmark]
    public ServerFrame DecodeMessage() => FrameCodec.TryDecodeServer(Message, out var frame, out _) ? frame : throw new InvalidOperationException();
}
