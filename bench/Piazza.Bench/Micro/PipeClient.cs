using System.Buffers;
using System.IO.Pipelines;
using Piazza.Protocol;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.Bench.Micro;

/// <summary>
/// The client end of an in-memory connection: writes raw lines to the server and reads what it sends with
/// <see cref="LineFramer"/>, recognising frames by prefix (the server writes <c>type</c> first), as the load generator does.
/// </summary>
internal sealed class PipeClient
{
    private readonly PipeWriter _output;
    private readonly PipeReader _input;
    private readonly DeliveryCountdown? _deliveries;
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _running;
    private readonly Task _reading;

    public PipeClient(JsonLinesConnection connection, PipeWriter output, PipeReader input, DeliveryCountdown? deliveries)
    {
        _output = output;
        _input = input;
        _deliveries = deliveries;
        _running = Task.Run(connection.RunAsync);
        _reading = Task.Run(ReadLoopAsync);
    }

    public Task Welcomed => _welcomed.Task;

    private static ReadOnlySpan<byte> WelcomePrefix => "{\"type\":\"welcome\""u8;

    private static ReadOnlySpan<byte> MessagePrefix => "{\"type\":\"message\""u8;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> line) => await _output.WriteAsync(line).ConfigureAwait(false);

    /// <summary>Waits for the connection to end (after the hub's shutdown), then for the reader to see the end.</summary>
    public async Task StopAsync()
    {
        await _running.ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
        await _reading.ConfigureAwait(false);
    }

    private async Task ReadLoopAsync()
    {
        var framer = new LineFramer(ProtocolConstants.DefaultMaxLineBytes);
        while (true)
        {
            var result = await _input.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            while (framer.TryReadLine(ref buffer, out var line) == LineStatus.Line)
            {
                if (StartsWith(line, MessagePrefix))
                {
                    _deliveries?.Signal();
                }
                else if (StartsWith(line, WelcomePrefix))
                {
                    _welcomed.TrySetResult();
                }
            }

            _input.AdvanceTo(buffer.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                await _input.CompleteAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private static bool StartsWith(in ReadOnlySequence<byte> line, ReadOnlySpan<byte> prefix)
        => line.FirstSpan.Length >= prefix.Length ? line.FirstSpan.StartsWith(prefix) : new SequenceReader<byte>(line).IsNext(prefix);
}
