using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// A well-behaved client under faults: sends at a fixed rate into its rooms, keeps every unacknowledged send, and
/// resends it with the same id after <c>unavailable</c> or a lost connection (to the next node that answers). What
/// it records is what the server promised: each id's acknowledged seq.
/// </summary>
public sealed class ResilientSender(string name, string token, IReadOnlyList<string> rooms, IReadOnlyList<ClusterNode> nodes, int firstNode, bool webSocket, double perSecond)
{
    private const int Window = 256;
    private static readonly TimeSpan UnavailablePause = TimeSpan.FromMilliseconds(200);
    private readonly Lock _gate = new();
    private readonly LinkedList<string> _pending = new();
    private readonly HashSet<string> _inFlight = [];
    private readonly Dictionary<string, (string Room, long Seq)> _acked = [];
    private readonly Dictionary<string, List<string>> _trails = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, string> _roomOf = [];
    private readonly List<string> _failures = [];
    private long _pauseUntil;
    private int _created;

    public string Name => name;

    /// <summary>Every acknowledged id with the room and seq its <c>ok</c> gave.</summary>
    public IReadOnlyDictionary<string, (string Room, long Seq)> Acked
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, (string, long)>(_acked);
            }
        }
    }

    /// <summary>What happened to <paramref name="id"/>: each send (connection and node), each answer as received, each re-queue.</summary>
    public string? TrailOf(string id)
    {
        lock (_gate)
        {
            return _trails.TryGetValue(id, out var trail) ? string.Join("; ", trail) : null;
        }
    }

    public int AckedCount
    {
        get
        {
            lock (_gate)
            {
                return _acked.Count;
            }
        }
    }

    /// <summary>Answers that are neither <c>ok</c> nor <c>unavailable</c> (each one a defect), and acks that disagreed.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }

    public int Reconnects { get; private set; }

    /// <summary>Messages made so far (each with its own id); all acknowledged once <see cref="RunAsync"/> drained.</summary>
    public int Created
    {
        get
        {
            lock (_gate)
            {
                return _created;
            }
        }
    }

    /// <summary>Sends until <paramref name="stop"/>, then until every send is acknowledged or <paramref name="drained"/> fires.</summary>
    public async Task RunAsync(CancellationToken stop, CancellationToken drained)
    {
        var node = firstNode;
        var start = Stopwatch.GetTimestamp();
        while (!drained.IsCancellationRequested && (!stop.IsCancellationRequested || Outstanding() > 0))
        {
            RawClient client;
            try
            {
                client = await ConnectAsync(nodes[node]);
            }
            catch (Exception ex) when (IsConnectionLoss(ex) || ex is InvalidOperationException)
            {
                node = (node + 1) % nodes.Count;
                await Task.Delay(100, drained).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            await using (client)
            {
                var link = $"connection {Reconnects + 1} to {nodes[node].NodeId}";
                using var lost = CancellationTokenSource.CreateLinkedTokenSource(drained);
                var reading = ReadAsync(client, link, lost);
                try
                {
                    await WriteAsync(client, link, start, stop, lost.Token);
                }
                catch (Exception ex) when (IsConnectionLoss(ex) || ex is OperationCanceledException)
                {
                    // the reader saw the loss, or the drain deadline passed
                }

                await lost.CancelAsync();
                client.Abort();
                await reading;
            }

            // Whatever was in flight on the lost connection goes back to the front, in order, with its id.
            lock (_gate)
            {
                foreach (var id in _inFlight.OrderByDescending(Number))
                {
                    _pending.AddFirst(id);
                    Note(id, "re-queued: connection lost");
                }

                _inFlight.Clear();
            }

            Reconnects++;
            if (!stop.IsCancellationRequested || Outstanding() > 0)
            {
                node = nodes[node].IsRunning ? node : (node + 1) % nodes.Count;
            }
        }
    }

    private async Task<RawClient> ConnectAsync(ClusterNode node)
    {
        var client = webSocket ? await node.ConnectWebSocketAsync() : await node.ConnectAsync();
        var welcome = await ProtocolSteps.FirstAnswerAsync(client, new { type = "hello", token });
        if (welcome.Type() != "welcome")
        {
            await client.DisposeAsync();
            throw new InvalidOperationException($"{name} not welcomed on {node}: {welcome.ToJsonString()}");
        }

        return client;
    }

    private async Task WriteAsync(RawClient client, string link, long start, CancellationToken stop, CancellationToken lost)
    {
        // The sender's clock: one tick per 10 ms is 100 chances a second to send what has come due.
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        while (!lost.IsCancellationRequested && (!stop.IsCancellationRequested || Outstanding() > 0))
        {
            // New messages at the sender's rate (none after stop), then as many pending ones as the window allows.
            if (!stop.IsCancellationRequested)
            {
                var due = (int)(Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond);
                lock (_gate)
                {
                    while (_created < due)
                    {
                        var id = $"{name}-{_created}";
                        _roomOf[id] = rooms[_created % rooms.Count];
                        _pending.AddLast(id);
                        _created++;
                    }
                }
            }

            var batch = new List<(string Id, string Room)>();
            lock (_gate)
            {
                while (_pending.Count > 0 && _inFlight.Count < Window && Stopwatch.GetTimestamp() >= _pauseUntil)
                {
                    var id = _pending.First!.Value;
                    _pending.RemoveFirst();
                    _inFlight.Add(id);
                    batch.Add((id, _roomOf[id]));
                    Note(id, $"sent on {link}");
                }
            }

            foreach (var (id, room) in batch)
            {
                await client.SendAsync(new { type = "send", room, text = id, id });
            }

            await tick.WaitForNextTickAsync(lost);
        }
    }

    private async Task ReadAsync(RawClient client, string link, CancellationTokenSource lost)
    {
        try
        {
            while (!lost.IsCancellationRequested)
            {
                var frame = await client.ReadAsync(TimeSpan.FromSeconds(30));
                if (frame.Str("re") is not { } id)
                {
                    continue;
                }

                lock (_gate)
                {
                    if (_roomOf.ContainsKey(id))
                    {
                        Note(id, $"{frame.ToJsonString()} on {link}");
                        Answer(id, frame);
                    }
                }
            }
        }
        catch (Exception ex) when (IsConnectionLoss(ex) || ex is OperationCanceledException)
        {
            // the connection is gone (or the run is over): the writer stops and the run reconnects
        }
        finally
        {
            await lost.CancelAsync();
        }
    }

    private void Answer(string id, JsonObject frame)
    {
        if (!_inFlight.Remove(id))
        {
            return; // an answer on a connection already given up; the resend is answered again
        }

        if (frame.Type() == "ok")
        {
            var seq = frame["seq"]!.GetValue<long>();
            var room = frame.Str("room")!;
            if (_acked.TryGetValue(id, out var earlier) && earlier != (room, seq))
            {
                _failures.Add($"{id} acknowledged as {earlier} and again as ({room}, {seq})");
            }

            _acked[id] = (room, seq);
        }
        else if (frame.Type() == "error" && frame.Str("code") == "unavailable")
        {
            _pending.AddFirst(id);
            _pauseUntil = Stopwatch.GetTimestamp() + (long)(UnavailablePause.TotalSeconds * Stopwatch.Frequency);
        }
        else
        {
            _failures.Add($"{id}: {frame.ToJsonString()}");
        }
    }

    /// <summary>Adds to <paramref name="id"/>'s trail; the caller holds the gate.</summary>
    private void Note(string id, string what)
    {
        if (!_trails.TryGetValue(id, out var trail))
        {
            _trails[id] = trail = [];
        }

        trail.Add($"{_clock.Elapsed.TotalSeconds:0.000} s {what}");
    }

    private int Outstanding()
    {
        lock (_gate)
        {
            return _pending.Count + _inFlight.Count;
        }
    }

    private static int Number(string id) => int.Parse(id[(id.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    internal static bool IsConnectionLoss(Exception ex)
        => ex is IOException or EndOfStreamException or SocketException or WebSocketException or ObjectDisposedException or TimeoutException;
}
