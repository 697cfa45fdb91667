using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// Presents a WebSocket as the duplex pipe of a JSON-lines connection, so the WebSocket door runs the very same
/// protocol code as the TCP door: each inbound text message becomes one line, each outbound line one text message.
/// Like TLS, this is a transport adapter; the protocol code never sees the WebSocket.
/// The framing rules (docs/protocol.md, "WebSocket framing and close codes"): a text message is one frame, whole
/// however it was fragmented; a raw CR or LF in it counts as JSON whitespace (it becomes a tab, which JSON allows
/// between tokens and refuses inside a string, as it does a raw line break), so a pretty-printed frame or a trailing
/// newline is fine and two frames in one message are one malformed frame (<c>bad_frame</c>); a binary message, or a
/// text message over <paramref name="maxMessageBytes"/>, closes the connection (<see cref="WebSocketCloseCodes"/>).
/// </summary>
public sealed class WebSocketTransport(WebSocket socket, int maxMessageBytes, Task<WebSocketClose> ending) : IDuplexPipe
{
    private readonly WebSocket _socket = socket;
    private readonly Pipe _inbound = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));
    private readonly Pipe _outbound = new(new PipeOptions(pauseWriterThreshold: 1 << 20, resumeWriterThreshold: 1 << 19, useSynchronizationContext: false));

    /// <summary>Set when the transport itself refuses the peer's input (binary, too big): it wins over the protocol's reason.</summary>
    private WebSocketClose? _refusal;

    public PipeReader Input => _inbound.Reader;

    public PipeWriter Output => _outbound.Writer;

    /// <summary>
    /// Pumps both directions until the protocol side has written its last frame (bye, kick, shutdown, timeout) or the
    /// peer went away; then completes the close handshake with the close frame of the reason the connection ended
    /// (<paramref name="ending"/>, or the transport's own refusal). The socket is not aborted after a normal close:
    /// an abort would drop frames still on their way out (the last error, the shutdown notice).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var receiving = ReceiveAsync(cancellationToken);
        await SendAsync(cancellationToken).ConfigureAwait(false);
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                // The protocol side names its reason as it ends, just before its last flush; a stuck one gets 1000.
                // (The receive loop set any refusal before completing the input that ended the protocol side.)
                await ((Task)ending).WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                var close = _refusal ?? (ending.IsCompletedSuccessfully ? ending.Result : WebSocketCloseCodes.Echo);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(close.Status, close.Reason, timeout.Token).ConfigureAwait(false);
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
            long messageBytes = 0;
            while (true)
            {
                var memory = writer.GetMemory(4096);
                var result = await _socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                // Refused before any of its bytes reach the protocol (which then sees the end of its input).
                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    _refusal = WebSocketCloseCodes.Binary;
                    break;
                }

                messageBytes += result.Count;
                if (messageBytes > maxMessageBytes)
                {
                    _refusal = WebSocketCloseCodes.TooBig;
                    break;
                }

                // A line break inside the message is whitespace of the one frame, never a frame boundary.
                var received = memory.Span[..result.Count];
                received.Replace((byte)'\n', (byte)'\t');
                received.Replace((byte)'\r', (byte)'\t');

                writer.Advance(result.Count);
                if (!result.EndOfMessage)
                {
                    continue; // a fragment: the message is handed on whole, so a refusal above never leaves half of one
                }

                messageBytes = 0;
                writer.GetSpan(1)[0] = (byte)'\n';
                writer.Advance(1);
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
