using System.Collections.Concurrent;
using System.Globalization;
using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Requests and their answers: ids, waiting for the connection, and repeating what is safe to repeat.</summary>
public sealed partial class PiazzaClient
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ServerFrame>> _pending = new(StringComparer.Ordinal);
    private readonly DeliveredSeqs _delivered = new();

    // Ids stay unique across reconnects and restarts, so a resent message is recognised by the server.
    private readonly string _idPrefix = Guid.NewGuid().ToString("N")[..8] + "-";
    private long _nextId;

    /// <summary>What may be done with a request whose connection was lost before its answer.</summary>
    private enum Repeat
    {
        /// <summary>Fail with <see cref="PiazzaFailure.ConnectionLost"/>: repeating could act twice.</summary>
        Never,

        /// <summary>Send it again after reconnecting: it only reads, or the server recognises the repeat.</summary>
        AfterReconnect,

        /// <summary>As <see cref="AfterReconnect"/>, and wait out a short <see cref="ErrorCode.RateLimited"/> (sends).</summary>
        AfterReconnectOrRateLimit,
    }

    /// <summary>The highest seq seen per conversation; sent as <c>resume</c> on every reconnect, to whichever server.</summary>
    public IReadOnlyDictionary<string, long> LastSeen => _delivered.Highest;

    private string NextId() => _idPrefix + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    /// <summary>Records a pushed message's seq; false when it was delivered already (a replay overlapping live delivery).</summary>
    private bool Track(ServerFrame message, string? conversation = null)
        => (message.Room ?? conversation) is not { } room || message.Seq is not { } seq || _delivered.TryAdd(room, seq);

    /// <summary>
    /// Sends a request (an id is assigned unless it has one) and returns the reply that names it; an error reply throws.
    /// Requests that wait for a connection are written in the order they were made (see PiazzaClient.Waiting.cs).
    /// </summary>
    private async Task<ServerFrame> RequestAsync(ClientFrame frame, Repeat repeat, CancellationToken cancellationToken)
    {
        frame.Id ??= NextId();
        var ticket = Interlocked.Increment(ref _nextTicket);
        while (true)
        {
            var turn = await TakeTurnAsync(ticket, cancellationToken).ConfigureAwait(false);
            try
            {
                return await RequestOnceAsync(turn, frame, cancellationToken).ConfigureAwait(false);
            }
            catch (PiazzaException ex) when (ex.Failure == PiazzaFailure.ConnectionLost && repeat != Repeat.Never && Options.Reconnect)
            {
                // the loop waits for the reconnect (or fails when the client gives up)
            }
            catch (PiazzaException ex) when (repeat == Repeat.AfterReconnectOrRateLimit && ex.Code == ErrorCode.RateLimited
                && ex.RetryAfter is { } wait && wait <= Options.MaxRateLimitWait)
            {
                // The refused send had no effect; waiting as asked keeps a pasted or piped burst flowing at the server's rate
                // instead of collecting refusals until the server disconnects us for flooding.
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<ServerFrame> RequestOnceAsync(Turn turn, ClientFrame frame, CancellationToken cancellationToken)
    {
        var id = frame.Id!;
        var link = turn.Link;
        var reply = new TaskCompletionSource<ServerFrame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            try
            {
                if (_link != link)
                {
                    throw new PiazzaException(PiazzaFailure.ConnectionLost, "the connection was lost");
                }

                await WriteAsync(link, frame, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or ObjectDisposedException or InvalidOperationException)
            {
                throw new PiazzaException(PiazzaFailure.ConnectionLost, "the connection was lost", innerException: ex);
            }
            finally
            {
                turn.Done(); // written (or not): the next waiting request may go
            }

            var answer = await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return answer.Type == FrameTypes.Error ? throw WireMapping.ToException(answer, "refused") : answer;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }
}
