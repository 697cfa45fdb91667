using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// Presents a WebSocket as the duplex pipe of a JSON-lines connection, so the WebSocket door runs the very same
/// protocol code as the TCP door: each inbound text message becomes one line, each outbound line one text message.
/// Like TLS, this is a transport adapter; the protocol code never sees the WebSocket.
/// </summary>
public sealed class WebSocketTransport : IDuplexPipe
{
    private readonly WebSocket _socket;
    private readonly Pipe _inbound = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Pipe _outbound = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));

    public WebSocketTransport(WebSocket socket)
    {
        _socket = socket;
    }

    public PipeReader Input => _inbound.Reader;

    public PipeWriter Output => _outbound.Writer;

    /// <summary>
    /// Pumps both directions until the protocol side has written its last frame (bye, kick, shutdown, timeout) or the
    /// peer went away; then completes the close handshake. The socket is not aborted after a normal close: an abort
    /// would drop frames still on their way out (the last error, the shutdown notice).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var receiving = ReceiveAsync(cancellationToken);
        await SendAsync(cancellationToken).ConfigureAwait(false);
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // the peer is gone already
            }
        }

        // Give the peer a moment to answer the close; a peer that never does is cut off.
        if (await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false) != receiving)
        {
            _socket.Abort();
        }

        await receiving.ConfigureAwait(false);
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        var writer = _inbound.Writer;
        try
        {
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var result = await _socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    // Binary messages are not frames; make the protocol answer bad_frame for them like for any garbage.
                    writer.Advance(0);
                    await writer.WriteAsync("\u0001binary\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                writer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    writer.GetSpan(1)[0] = (byte)'\n';
                    writer.Advance(1);
                }

                var flush = await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // peer closed or aborted: the protocol sees end of input
        }
        finally
        {
            await writer.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var reader = _outbound.Reader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } newline)
                {
                    var line = buffer.Slice(0, newline);
                    await SendLineAsync(line, cancellationToken).ConfigureAwait(false);
                    buffer = buffer.Slice(buffer.GetPosition(1, newline));
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // peer gone
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask SendLineAsync(ReadOnlySequence<byte> line, CancellationToken cancellationToken)
    {
        if (line.IsSingleSegment)
        {
            await _socket.SendAsync(line.First, WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
            return;
        }

        // A line that spans pipe segments is rare; copy it rather than juggle partial WebSocket frames.
        var length = (int)line.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            line.CopyTo(rented);
            await _socket.SendAsync(rented.AsMemory(0, length), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
