using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Piazza.Protocol;

namespace Piazza.Bench.Targets;

/// <summary>
/// One native-protocol client tuned for load: a Pipelines read loop with <see cref="LineFramer"/> that recognises
/// frames by their prefix (the server always writes <c>type</c> first) and pulls <c>seq</c> and <c>text</c> out
/// with span searches instead of deserializing JSON; sends are pre-encoded byte templates.
/// </summary>
internal sealed class PiazzaConnection : IPublisher
{
    /// <summary>
    /// Longest line accepted. A welcome lists every member (~60 bytes each), so with thousands of idle
    /// connections it exceeds the protocol's 64 KiB default; 16 MiB covers 250,000 members.
    /// </summary>
    private const int MaxLineBytes = 16 * 1024 * 1024;

    /// <summary>Read buffer: 64 KiB takes hundreds of frames per syscall on a busy receiver.</summary>
    private const int ReadBufferBytes = 64 * 1024;

    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(300);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly DeliveryCounter? _counter;
    private readonly Action? _onAck;
    private readonly FrameTally? _tally;
    private readonly TaskCompletionSource _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _sendPrefix = "{\"type\":\"send\",\"room\":\"lobby\",\"text\":\""u8.ToArray();
    private volatile bool _joining;
    private Task _reading = Task.CompletedTask;
    private long _nextId;
    private long _acked;
    private long _rejected;
    private volatile bool _closing;

    private PiazzaConnection(Socket socket, DeliveryCounter? counter, Action? onAck, FrameTally? tally)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: ReadBufferBytes, minimumReadSize: ReadBufferBytes / 4, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _counter = counter;
        _onAck = onAck;
        _tally = tally;
    }

    public long Acked => Interlocked.Read(ref _acked);

    public long Rejected => Interlocked.Read(ref _rejected);

    private static ReadOnlySpan<byte> SendMiddle => "\",\"id\":\""u8;

    private static ReadOnlySpan<byte> SendSuffix => "\"}\n"u8;

    private static ReadOnlySpan<byte> MessagePrefix => "{\"type\":\"message\""u8;

    private static ReadOnlySpan<byte> OkPrefix => "{\"type\":\"ok\""u8;

    private static ReadOnlySpan<byte> ErrorPrefix => "{\"type\":\"error\""u8;

    private static ReadOnlySpan<byte> WelcomePrefix => "{\"type\":\"welcome\""u8;

    private static ReadOnlySpan<byte> SeqKey => "\"seq\":"u8;

    private static ReadOnlySpan<byte> TextKey => "\"text\":\""u8;

    private static ReadOnlySpan<byte> ReKey => "\"re\":"u8;

    private static ReadOnlySpan<byte> JoinReply => "\"re\":\"bench-join\""u8;

    /// <summary>
    /// Connects, says hello as <paramref name="user"/> and returns once welcomed; <paramref name="tally"/> counts
    /// every frame after the welcome (what the others' joins cost this connection).
    /// </summary>
    public static async Task<PiazzaConnection> ConnectAsync(IPEndPoint endPoint, string user, DeliveryCounter? counter, Action? onAck, CancellationToken cancellationToken, FrameTally? tally = null)
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

        var connection = new PiazzaConnection(socket, counter, onAck, tally);
        try
        {
            connection._reading = connection.ReadLoopAsync();
            var hello = $"{{\"type\":\"hello\",\"user\":\"{user}\",\"protocol\":{ProtocolConstants.Version},\"client\":\"piazza-bench\"}}\n";
            connection._output.Write(Encoding.UTF8.GetBytes(hello));
            await connection._output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await connection._welcomed.Task.WaitAsync(HelloTimeout, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Joins (creating) <paramref name="room"/> and sends there from now on instead of the lobby. Call before the
    /// first <see cref="Append"/>; the connection still hears the lobby (only join/leave traffic, none of ours).
    /// </summary>
    public async Task JoinAsync(string room, CancellationToken cancellationToken)
    {
        _joining = true;
        _output.Write(Encoding.UTF8.GetBytes($"{{\"type\":\"join\",\"room\":\"{room}\",\"id\":\"bench-join\"}}\n"));
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        await _joined.Task.WaitAsync(HelloTimeout, cancellationToken).ConfigureAwait(false);
        _joining = false;
        _sendPrefix = Encoding.UTF8.GetBytes($"{{\"type\":\"send\",\"room\":\"{room}\",\"text\":\"");
    }

    public void Append(ReadOnlySpan<byte> text)
    {
        ReadOnlySpan<byte> prefix = _sendPrefix;
        // 20 digits is the longest decimal long.
        var span = _output.GetSpan(prefix.Length + text.Length + SendMiddle.Length + 20 + SendSuffix.Length);
        var length = 0;
        prefix.CopyTo(span);
        length += prefix.Length;
        text.CopyTo(span[length..]);
        length += text.Length;
        SendMiddle.CopyTo(span[length..]);
        length += SendMiddle.Length;
        Utf8Formatter.TryFormat(++_nextId, span[length..], out var written);
        length += written;
        SendSuffix.CopyTo(span[length..]);
        length += SendSuffix.Length;
        _output.Advance(length);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
        => await _output.FlushAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        _closing = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already gone
        }
        catch (ObjectDisposedException)
        {
            // already gone
        }

        _input.CancelPendingRead();
        await _reading.ConfigureAwait(false);
        await _output.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }

    private async Task ReadLoopAsync()
    {
        var framer = new LineFramer(MaxLineBytes);
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (true)
                {
                    var status = framer.TryReadLine(ref buffer, out var line);
                    if (status == LineStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (status == LineStatus.Line)
                    {
                        HandleLine(line);
                    }
                }

                _input.AdvanceTo(buffer.Start, result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the server closed the connection, or we did
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            if (!_closing && _counter is not null)
            {
                _counter.Disconnected = true;
            }

            _welcomed.TrySetException(new IOException("connection closed before welcome"));
            _joined.TrySetException(new IOException("connection closed before joining"));
        }
    }

    private void HandleLine(in ReadOnlySequence<byte> line)
    {
        if (line.IsSingleSegment)
        {
            HandleLine(line.FirstSpan);
            return;
        }

        // A frame split across two read buffers: rare, copy it whole.
        var copy = ArrayPool<byte>.Shared.Rent((int)line.Length);
        line.CopyTo(copy);
        HandleLine(copy.AsSpan(0, (int)line.Length));
        ArrayPool<byte>.Shared.Return(copy);
    }

    private void HandleLine(ReadOnlySpan<byte> line)
    {
        if (_tally is not null && _welcomed.Task.IsCompleted)
        {
            _tally.Count(line);
        }

        if (line.StartsWith(MessagePrefix))
        {
            if (_counter is not null)
            {
                CountMessage(line);
            }
        }
        else if (line.StartsWith(OkPrefix))
        {
            if (_joining && line.IndexOf(JoinReply) >= 0)
            {
                _joined.TrySetResult();
                return;
            }

            Interlocked.Increment(ref _acked);
            _onAck?.Invoke();
        }
        else if (line.StartsWith(ErrorPrefix))
        {
            if (line.IndexOf(ReKey) >= 0)
            {
                // An error answering one of our sends still frees its window slot.
                Interlocked.Increment(ref _rejected);
                Interlocked.Increment(ref _acked);
                _onAck?.Invoke();
            }
            else
            {
                _welcomed.TrySetException(new IOException($"server error: {Encoding.UTF8.GetString(line)}"));
                _joined.TrySetException(new IOException($"server error: {Encoding.UTF8.GetString(line)}"));
            }
        }
        else if (line.StartsWith(WelcomePrefix))
        {
            _welcomed.TrySetResult();
        }
    }

    private void CountMessage(ReadOnlySpan<byte> line)
    {
        long seq = 0;
        var seqAt = line.IndexOf(SeqKey);
        if (seqAt >= 0)
        {
            line = line[(seqAt + SeqKey.Length)..];
            Utf8Parser.TryParse(line, out seq, out _);
        }

        var textAt = line.IndexOf(TextKey);
        var text = ReadOnlySpan<byte>.Empty;
        if (textAt >= 0)
        {
            text = line[(textAt + TextKey.Length)..];
            var end = text.IndexOf((byte)'"');
            text = end >= 0 ? text[..end] : text;
        }

        _counter!.OnMessage(seq, text);
    }
}
