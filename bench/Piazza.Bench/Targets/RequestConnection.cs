using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Piazza.Protocol;

namespace Piazza.Bench.Targets;

/// <summary>
/// A native-protocol client for sequential request/response measurements (e.g. <c>history</c>): one request
/// in flight at a time, and the caller's task reads the answer itself (no background read loop), so a round trip
/// is write → the line carrying <c>"re":"id"</c>. Frames in between (room, history on login, joined, …) are skipped.
/// </summary>
internal sealed class RequestConnection : IAsyncDisposable
{
    private const int MaxLineBytes = 16 * 1024 * 1024;

    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(30);

    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private LineFramer _framer = new(MaxLineBytes);

    private RequestConnection(Socket socket)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
    }

    private static ReadOnlySpan<byte> WelcomePrefix => "{\"type\":\"welcome\""u8;

    private static ReadOnlySpan<byte> ErrorPrefix => "{\"type\":\"error\""u8;

    /// <summary>Connects, writes <paramref name="helloLine"/> (a full JSON object, no newline) and waits for welcome.</summary>
    public static async Task<RequestConnection> ConnectAsync(IPEndPoint endPoint, string helloLine, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new RequestConnection(socket);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(HelloTimeout);
            await connection.WriteLineAsync(Encoding.UTF8.GetBytes(helloLine), timeout.Token).ConfigureAwait(false);
            var line = await connection.ReadUntilAsync(
                static l => l.StartsWith(WelcomePrefix) || l.StartsWith(ErrorPrefix),
                timeout.Token).ConfigureAwait(false);
            if (!line.AsSpan().StartsWith(WelcomePrefix))
            {
                throw new IOException($"hello refused: {Encoding.UTF8.GetString(line)}");
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Writes one frame (no newline) and returns the first line that answers it (its <c>re</c> is <paramref name="id"/>).</summary>
    public async Task<byte[]> RequestAsync(ReadOnlyMemory<byte> frame, string id, CancellationToken cancellationToken)
    {
        var re = Encoding.UTF8.GetBytes($"\"re\":\"{id}\"");
        await WriteLineAsync(frame, cancellationToken).ConfigureAwait(false);
        return await ReadUntilAsync(l => l.IndexOf(re) >= 0, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteLineAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        // One write per request: the frame and its newline together, so Nagle or a split never adds a round trip.
        var buffer = ArrayPool<byte>.Shared.Rent(frame.Length + 1);
        try
        {
            frame.CopyTo(buffer);
            buffer[frame.Length] = (byte)'\n';
            await _stream.WriteAsync(buffer.AsMemory(0, frame.Length + 1), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads lines until one satisfies <paramref name="match"/>; returns a copy of it. Throws if the server closes first.</summary>
    private async Task<byte[]> ReadUntilAsync(LineMatch match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            byte[]? found = null;
            while (found is null)
            {
                var status = _framer.TryReadLine(ref buffer, out var line);
                if (status == LineStatus.NeedMoreData)
                {
                    break;
                }

                if (status == LineStatus.Line && Matches(line, match))
                {
                    found = line.ToArray();
                }
            }

            if (found is not null)
            {
                // Consumed up to the end of the answer; whatever follows is handed back by the next read at once.
                _input.AdvanceTo(buffer.Start);
                return found;
            }

            _input.AdvanceTo(buffer.Start, result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new IOException("the server closed the connection");
            }
        }
    }

    private static bool Matches(in ReadOnlySequence<byte> line, LineMatch match)
    {
        if (line.IsSingleSegment)
        {
            return match(line.FirstSpan);
        }

        var copy = line.ToArray();
        return match(copy);
    }

    private delegate bool LineMatch(ReadOnlySpan<byte> line);
}
