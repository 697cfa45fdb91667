namespace Piazza.Bench.Scenarios;

/// <summary>One load run: R receivers and S senders in one room. Immutable.</summary>
internal sealed record LoadSettings
{
    /// <summary>"piazza" (native protocol) or "redis" (RESP pub/sub).</summary>
    public required string Target { get; init; }

    /// <summary>Port on 127.0.0.1; the harness never talks to any other address.</summary>
    public required int Port { get; init; }

    /// <summary>Ports of several Piazza nodes of one cluster on 127.0.0.1 (members spread over them); empty: <see cref="Port"/> alone.</summary>
    public IReadOnlyList<int> NodePorts { get; init; } = [];

    public required int Receivers { get; init; }

    public required int Senders { get; init; }

    /// <summary>Most un-acknowledged sends per sender (fanout). Ignored when <see cref="Rate"/> is set.</summary>
    public int Window { get; init; } = 64;

    /// <summary>Total messages per second over all senders (latency mode); 0 means "as fast as the window allows".</summary>
    public double Rate { get; init; }

    /// <summary>Seconds measured, after <see cref="Warmup"/>.</summary>
    public double Duration { get; init; } = 10;

    /// <summary>Seconds of load before measuring, so the JIT and the socket buffers have settled.</summary>
    public double Warmup { get; init; } = 2;

    /// <summary>Size of each message text in bytes (a short chat line by default).</summary>
    public int MessageBytes { get; init; } = 64;

    /// <summary>
    /// Each sender joins a room of its own and sends there (Piazza only; needs no receivers): every message is then
    /// delivered once (the sender's echo), so the run measures the store's writer without the room fan-out.
    /// </summary>
    public bool OwnRooms { get; init; }

    /// <summary>Connections opened at once while setting up.</summary>
    public int ConnectConcurrency { get; init; } = 32;
}

/// <summary>What a load run measured.</summary>
internal sealed record LoadResult
{
    public required double MeasuredSeconds { get; init; }

    /// <summary>Messages heard by every member (senders' own echoes included) per second, inside the window.</summary>
    public required double DeliveriesPerSecond { get; init; }

    /// <summary>Sends acknowledged by the server per second, inside the window.</summary>
    public required double SentPerSecond { get; init; }

    public required long TotalSent { get; init; }

    public required long TotalDelivered { get; init; }

    /// <summary>Deliveries expected (every member hears every acknowledged send) but not seen after draining.</summary>
    public required long Lost { get; init; }

    /// <summary>Holes in the server's <c>seq</c> as seen by members (Piazza only).</summary>
    public required long SeqGaps { get; init; }

    /// <summary>Members the server closed during the run (e.g. as slow consumers).</summary>
    public required int Disconnected { get; init; }

    /// <summary>Sends the server answered with an error.</summary>
    public required long Rejected { get; init; }

    /// <summary>Send→receive latencies at receivers in Stopwatch ticks, sorted; empty outside latency mode.</summary>
    public required long[] Latencies { get; init; }
}
