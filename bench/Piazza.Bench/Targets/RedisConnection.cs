using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Piazza.Bench.Targets;

/// <summary>
/// One RESP connection in one of two roles: a subscriber (SUBSCRIBE to the channel, count <c>message</c> pushes)
/// or a publisher (pipelined PUBLISH, each integer reply is an acknowledgement).
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    /// <summary>Read buffer: 64 KiB takes hundreds of pushes per syscall on a busy subscriber.</summary>
    private const int ReadBufferBytes = 64 * 1024;

    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly DeliveryCounter? _counter;
    private readonly Action? _onAck;
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _publishHeader;
    private Task _reading = Task.CompletedTask;
    private long _acked;
    private long _rejected;
    private volatile bool _closing;

    private RedisConnection(Socket socket, string channel, DeliveryCounter? counter, Action? onAck)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: ReadBufferBytes, minimumReadSize: ReadBufferBytes / 4, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _counter = counter;
        _onAck = onAck;
        _publishHeader = Encoding.ASCII.GetBytes($"*3\r\n$7\r\nPUBLISH\r\n${channel.Length}\r\n{channel}\r\n$");
    }

    public long Acked => Interlocked.Read(ref _acked);

    public long Rejected => Interlocked.Read(ref _rejected);

    private static ReadOnlySpan<byte> MessageKind => "message"u8;

    private static ReadOnlySpan<byte> SubscribeKind => "subscribe"u8;

    /// <summary>Connects and subscribes to <paramref name="channel"/>; returns once Redis confirmed it.</summary>
    public static async Task<RedisConnection> SubscribeAsync(IPEndPoint endPoint, string channel, DeliveryCounter counter, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(endPoint, channel, counter, null, cancellationToken).ConfigureAwait(false);
        try
        {
            connection._output.Write(Encoding.ASCII.GetBytes($"*2\r\n$9\r\nSUBSCRIBE\r\n${channel.Length}\r\n{channel}\r\n"));
            await connection._output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await connection._subscribed.Task.WaitAsync(SubscribeTimeout, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Connects a publishing connection for <paramref name="channel"/>.</summary>
    public static Task<RedisConnection> PublisherAsync(IPEndPoint endPoint, string channel, Action onAck, CancellationToken cancellationToken)
        => ConnectAsync(endPoint, channel, null, onAck, cancellationToken);

    /// <summary>Buffers one PUBLISH of <paramref name="text"/> to the channel.</summary>
    public void AppendPublish(ReadOnlySpan<byte> text)
    {
        // 20 digits for the length, 2 CRLFs around the data.
        var span = _output.GetSpan(_publishHeader.Length + 20 + 4 + text.Length);
        _publishHeader.CopyTo(span);
        var length = _publishHeader.Length;
        Utf8Formatter.TryFormat(text.Length, span[length..], out var written);
        length += written;
        span[length++] = (byte)'\r';
        span[length++] = (byte)'\n';
        text.CopyTo(span[length..]);
        length += text.Length;
        span[length++] = (byte)'\r';
        span[length++] = (byte)'\n';
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

    private static async Task<RedisConnection> ConnectAsync(IPEndPoint endPoint, string channel, DeliveryCounter? counter, Action? onAck, CancellationToken cancellationToken)
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

        var connection = new RedisConnection(socket, channel, counter, onAck);
        connection._reading = connection.ReadLoopAsync();
        return connection;
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (RespReader.TryRead(ref buffer, out var reply))
                {
                    Handle(reply);
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

            _subscribed.TrySetException(new IOException("connection closed before SUBSCRIBE was confirmed"));
        }
    }

    private void Handle(in RespReply reply)
    {
        switch (reply.Kind)
        {
            case (byte)':':
                Interlocked.Increment(ref _acked);
                _onAck?.Invoke();
                break;
            case (byte)'-':
                Interlocked.Increment(ref _rejected);
                Interlocked.Increment(ref _acked);
                _onAck?.Invoke();
                _subscribed.TrySetException(new IOException($"redis error: {Encoding.UTF8.GetString(reply.First)}"));
                break;
            case (byte)'*':
                Span<byte> kindScratch = stackalloc byte[16]; // longest push kind we compare is "subscribe"
                var kind = RespReader.AsSpan(reply.First, kindScratch);
                if (kind.SequenceEqual(MessageKind))
                {
                    if (reply.Last.IsSingleSegment)
                    {
                        _counter?.OnMessage(0, reply.Last.FirstSpan);
                    }
                    else
                    {
                        var copy = ArrayPool<byte>.Shared.Rent((int)reply.Last.Length);
                        reply.Last.CopyTo(copy);
                        _counter?.OnMessage(0, copy.AsSpan(0, (int)reply.Last.Length));
                        ArrayPool<byte>.Shared.Return(copy);
                    }
                }
                else if (kind.SequenceEqual(SubscribeKind))
                {
                    _subscribed.TrySetResult();
                }

                break;
        }
    }
}
