using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Piazza.Bench.Targets;

/// <summary>
/// One registered IRC client (RFC 1459/2812, no capabilities requested) joined to one channel. It answers PING,
/// counts the channel's PRIVMSGs into a <see cref="DeliveryCounter"/> (when it has one), calls back once per
/// message of its own sender (a sender's listening half) and counts error numerics after joining as refusals
/// (a sender's sending half). Sends are buffered by <see cref="AppendPrivmsg"/> and written by <see cref="FlushAsync"/>.
/// </summary>
internal sealed class IrcConnection : IAsyncDisposable
{
    /// <summary>Read buffer: 64 KiB takes hundreds of PRIVMSG lines per syscall on a busy receiver.</summary>
    private const int ReadBufferBytes = 64 * 1024;

    /// <summary>A line longer than this (IRCv3: 8,191 bytes of tags + 512) is not IRC: the connection is dropped.</summary>
    private const int MaxLineBytes = 8191 + 512;

    /// <summary>Registration and the join's NAMES of a 1,000-member channel on a busy 2-core machine.</summary>
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(60);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentQueue<byte[]> _replies = new();
    private readonly ArrayBufferWriter<byte> _pending = new(16 * 1024);
    private readonly string _channel;
    private readonly byte[] _privmsgPrefix;
    private readonly DeliveryCounter? _counter;
    private readonly int _ackSender;
    private readonly Action? _onAck;
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _reading = Task.CompletedTask;
    private long _acked;
    private long _rejected;
    private volatile bool _closing;

    private IrcConnection(Socket socket, string channel, DeliveryCounter? counter, int ackSender, Action? onAck)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: ReadBufferBytes, minimumReadSize: ReadBufferBytes / 4, leaveOpen: true));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _channel = channel;
        _privmsgPrefix = Encoding.ASCII.GetBytes($"PRIVMSG {channel} :");
        _counter = counter;
        _ackSender = ackSender;
        _onAck = onAck;
    }

    /// <summary>Messages of <c>ackSender</c> heard, plus refusals (each one acknowledgement).</summary>
    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>Error numerics or FAIL lines received after joining: sends the server refused.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>
    /// Connects, registers as <paramref name="nick"/> (NICK + USER, waits for 001) and joins <paramref name="channel"/>
    /// (waits for its end of NAMES, 366). <paramref name="ackSender"/> ≥ 0: each heard message of that sender index
    /// calls <paramref name="onAck"/>; a refusal after joining calls it too.
    /// </summary>
    public static async Task<IrcConnection> OpenAsync(
        IPEndPoint endPoint, string nick, string channel, DeliveryCounter? counter, int ackSender, Action? onAck, CancellationToken cancellationToken)
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

        var connection = new IrcConnection(socket, channel, counter, ackSender, onAck);
        connection._reading = connection.ReadLoopAsync();
        try
        {
            await connection.WriteLineAsync($"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n", cancellationToken).ConfigureAwait(false);
            await connection._registered.Task.WaitAsync(SetupTimeout, cancellationToken).ConfigureAwait(false);
            await connection.WriteLineAsync($"JOIN {channel}\r\n", cancellationToken).ConfigureAwait(false);
            await connection._joined.Task.WaitAsync(SetupTimeout, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Buffers one <c>PRIVMSG #channel :text</c>; written by the next <see cref="FlushAsync"/>.</summary>
    public void AppendPrivmsg(ReadOnlySpan<byte> text)
    {
        var span = _pending.GetSpan(_privmsgPrefix.Length + text.Length + 2);
        _privmsgPrefix.CopyTo(span);
        text.CopyTo(span[_privmsgPrefix.Length..]);
        var length = _privmsgPrefix.Length + text.Length;
        span[length++] = (byte)'\r';
        span[length++] = (byte)'\n';
        _pending.Advance(length);
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _output.Write(_pending.WrittenSpan);
            _pending.ResetWrittenCount();
            WriteQueuedReplies();
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

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
        _writeLock.Dispose();
    }

    private async Task WriteLineAsync(string lines, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _output.Write(Encoding.UTF8.GetBytes(lines));
            WriteQueuedReplies();
            await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void WriteQueuedReplies()
    {
        while (_replies.TryDequeue(out var reply))
        {
            _output.Write(reply);
        }
    }

    /// <summary>
    /// Queues a reply from the read loop (PONG). The read loop never waits for the write lock: a sender's flush may be
    /// blocked on a server that is itself blocked writing to us. Whoever holds the lock writes the queue.
    /// </summary>
    private async Task ReplyAsync(byte[] line)
    {
        _replies.Enqueue(line);
        if (!_writeLock.Wait(0, CancellationToken.None))
        {
            return; // the holder writes it; a sender flushes every few milliseconds
        }

        try
        {
            WriteQueuedReplies();
            await _output.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var failure = "the server closed the connection";
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } end)
                {
                    var line = buffer.Slice(0, end);
                    buffer = buffer.Slice(buffer.GetPosition(1, end));
                    if (line.IsSingleSegment)
                    {
                        await HandleAsync(line.FirstSpan).ConfigureAwait(false);
                    }
                    else
                    {
                        var copy = ArrayPool<byte>.Shared.Rent((int)line.Length);
                        line.CopyTo(copy);
                        await HandleAsync(copy.AsMemory(0, (int)line.Length)).ConfigureAwait(false);
                        ArrayPool<byte>.Shared.Return(copy);
                    }
                }

                if (buffer.Length > MaxLineBytes)
                {
                    failure = $"a line longer than {MaxLineBytes} bytes";
                    break;
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
            failure = ex.Message;
        }
        finally
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            if (!_closing && _counter is not null)
            {
                _counter.Disconnected = true;
            }

            _registered.TrySetException(new IOException($"IRC registration failed: {failure}"));
            _joined.TrySetException(new IOException($"IRC join failed: {failure}"));
        }
    }

    // Most lines are PRIVMSGs handled without allocating; only a PING reply awaits.
    private Task HandleAsync(ReadOnlyMemory<byte> line) => HandleAsync(line.Span);

    private Task HandleAsync(ReadOnlySpan<byte> line)
    {
        var message = IrcLine.Parse(line);
        if (message.Command.SequenceEqual("PRIVMSG"u8))
        {
            OnPrivmsg(message);
        }
        else if (message.Command.SequenceEqual("PING"u8))
        {
            return ReplyAsync([.. "PONG "u8, .. message.Parameters, .. "\r\n"u8]);
        }
        else if (message.Command.SequenceEqual("001"u8))
        {
            _registered.TrySetResult();
        }
        else if (message.Command.SequenceEqual("366"u8))
        {
            // 366 <me> <channel> :End of NAMES list
            if (IrcLine.Parameter(message.Parameters, 1) is var channel && Encoding.UTF8.GetString(channel).Equals(_channel, StringComparison.OrdinalIgnoreCase))
            {
                _joined.TrySetResult();
            }
        }
        else if (IsError(message.Command))
        {
            var text = Encoding.UTF8.GetString(line).TrimEnd('\r');
            if (_joined.Task.IsCompleted)
            {
                Interlocked.Increment(ref _rejected);
                Interlocked.Increment(ref _acked);
                _onAck?.Invoke();
            }
            else
            {
                _registered.TrySetException(new IOException($"the server refused: {text}"));
                _joined.TrySetException(new IOException($"the server refused: {text}"));
            }
        }

        return Task.CompletedTask;
    }

    private void OnPrivmsg(in IrcLine message)
    {
        var target = IrcLine.Parameter(message.Parameters, 0);
        if (_counter is null || !IsChannel(target))
        {
            return;
        }

        var text = IrcLine.Trailing(message.Parameters);
        _counter.OnMessage(0, text);
        if (_ackSender >= 0 && Payload.TryParse(text, out _, out var sender, out _) && sender == _ackSender)
        {
            Interlocked.Increment(ref _acked);
            _onAck?.Invoke();
        }
    }

    private bool IsChannel(ReadOnlySpan<byte> target)
    {
        if (target.Length != _channel.Length)
        {
            return false;
        }

        for (var i = 0; i < target.Length; i++)
        {
            if (char.ToLowerInvariant((char)target[i]) != char.ToLowerInvariant(_channel[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>ERROR, FAIL (IRCv3 standard replies) and 4xx/5xx numerics but 422 (no MOTD, not an error).</summary>
    private static bool IsError(ReadOnlySpan<byte> command)
    {
        if (command.SequenceEqual("ERROR"u8) || command.SequenceEqual("FAIL"u8))
        {
            return true;
        }

        return command.Length == 3 && Utf8Parser.TryParse(command, out int numeric, out _) && numeric is >= 400 and < 600 and not 422;
    }
}
