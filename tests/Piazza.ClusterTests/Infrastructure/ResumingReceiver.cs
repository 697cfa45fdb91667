using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// A member that only listens, as the client library does: it records every seq it is given per room, in arrival
/// order (duplicates and gaps stay visible), and after a lost connection says hello on the next node that answers
/// with <c>resume</c> = the last seq it saw in each room.
/// </summary>
public sealed class ResumingReceiver(string name, string token, IReadOnlyList<string> rooms, IReadOnlyList<ClusterNode> nodes, int firstNode, bool webSocket)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<long>> _received = rooms.ToDictionary(r => r, _ => new List<long>(), StringComparer.OrdinalIgnoreCase);

    public string Name => name;

    /// <summary>The receiver's session token (a member of every room it listens to), for reading history over REST.</summary>
    public string Token => token;

    public int Reconnects { get; private set; }

    /// <summary>The seqs received in each room, in arrival order.</summary>
    public IReadOnlyDictionary<string, List<long>> Received
    {
        get
        {
            lock (_gate)
            {
                return _received.ToDictionary(r => r.Key, r => r.Value.ToList(), StringComparer.OrdinalIgnoreCase);
            }
        }
    }

    /// <summary>The last seq seen in <paramref name="room"/> (0 before any).</summary>
    public long Last(string room)
    {
        lock (_gate)
        {
            return _received[room] is { Count: > 0 } seqs ? seqs[^1] : 0;
        }
    }

    /// <summary>Listens (reconnecting and resuming as needed) until <paramref name="stop"/>.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var node = firstNode;
        while (!stop.IsCancellationRequested)
        {
            RawClient client;
            try
            {
                client = webSocket ? await nodes[node].ConnectWebSocketAsync() : await nodes[node].ConnectAsync();
            }
            catch (Exception ex) when (ResilientSender.IsConnectionLoss(ex))
            {
                node = (node + 1) % nodes.Count;
                await Task.Delay(100, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            await using (client)
            await using (stop.Register(client.Abort))
            {
                try
                {
                    var resume = rooms.ToDictionary(r => r, Last);
                    await client.SendAsync(new { type = "hello", token, resume });
                    while (!stop.IsCancellationRequested)
                    {
                        Record(await client.ReadAsync(TimeSpan.FromSeconds(30)));
                    }
                }
                catch (Exception ex) when (ResilientSender.IsConnectionLoss(ex) || ex is OperationCanceledException)
                {
                    // lost (or stopped): resume elsewhere below
                }
            }

            Reconnects++;
            node = nodes[node].IsRunning ? node : (node + 1) % nodes.Count;

            // A refused or lost connection is retried at most ten times a second.
            await Task.Delay(100, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private void Record(JsonObject frame)
    {
        switch (frame.Type())
        {
            case "message":
                Add(frame);
                break;
            case "history" when frame["re"] is null:
                foreach (var message in frame["messages"]!.AsArray())
                {
                    Add(message!.AsObject());
                }

                break;
            case "error" when frame.Str("code") == "unavailable":
                throw new IOException($"{name}'s hello was answered unavailable; trying again");
            case "error":
                throw new InvalidOperationException($"{name} was refused: {frame.ToJsonString()}");
        }
    }

    private void Add(JsonObject message)
    {
        lock (_gate)
        {
            if (_received.TryGetValue(message.Str("room")!, out var seqs))
            {
                seqs.Add(message.Seq());
            }
        }
    }
}
