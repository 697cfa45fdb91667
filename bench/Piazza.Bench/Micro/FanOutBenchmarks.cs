using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Piazza.Bench.Micro;

/// <summary>
/// One message delivered to N recipients through the whole server path but the socket: the sender's <c>send</c> line
/// is framed, decoded and handled by its <c>JsonLinesConnection</c>, the hub appends it to SQLite (group commit,
/// synchronous=FULL as in production) and fans it out to N+1 outboxes (the sender hears its own message), each
/// writer loop copies the shared encoding into its pipe, and each client finds the line. An operation ends when all
/// N recipients have the message. Allocations are the whole process's (every thread), so allocated / N is the cost
/// of one delivery with the send's own share spread over the recipients.
/// </summary>
[MemoryDiagnoser]
public class FanOutBenchmarks
{
    private static readonly byte[] SendLine = System.Text.Encoding.UTF8.GetBytes(
        "{\"type\":\"send\",\"room\":\"lobby\",\"text\":\"" + new string('x', 64) + "\"}\n");

    private readonly DeliveryCountdown _deliveries = new();
    private EmbeddedHub? _hub;
    private PipeClient? _sender;

    [Params(1, 10, 100, 1000)]
    public int Recipients { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _hub?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public async Task DeliverOneMessage()
    {
        _deliveries.Arm(Recipients);
        await _sender!.WriteAsync(SendLine).ConfigureAwait(false);
        await _deliveries.Task.ConfigureAwait(false);
    }

    private async Task SetupAsync()
    {
        _hub = await EmbeddedHub.StartAsync().ConfigureAwait(false);
        for (var i = 0; i < Recipients; i++)
        {
            await _hub.ConnectAsync(string.Create(CultureInfo.InvariantCulture, $"r{i}"), _deliveries).ConfigureAwait(false);
        }

        _sender = await _hub.ConnectAsync("sender", deliveries: null).ConfigureAwait(false);
    }
}
