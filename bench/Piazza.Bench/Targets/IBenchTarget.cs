namespace Piazza.Bench.Targets;

/// <summary>A server the load runs against: it can open receiving members and publishing members of one room.</summary>
internal interface IBenchTarget
{
    /// <summary>Short name for reports, e.g. "piazza".</summary>
    string Name { get; }

    /// <summary>Opens a member that only listens; every message it hears is counted in <paramref name="counter"/>.</summary>
    Task<IAsyncDisposable> OpenReceiverAsync(string name, DeliveryCounter counter, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a member that publishes. It also hears the room (its own messages included) into
    /// <paramref name="echoes"/>, and calls <paramref name="onAck"/> once per publish the server acknowledged.
    /// </summary>
    Task<IPublisher> OpenPublisherAsync(string name, DeliveryCounter echoes, Action onAck, CancellationToken cancellationToken);
}

/// <summary>The sending half of a publishing member. Not thread-safe: one sender loop owns it.</summary>
internal interface IPublisher : IAsyncDisposable
{
    /// <summary>Publishes acknowledged so far (including those the server refused, see <see cref="Rejected"/>).</summary>
    long Acked { get; }

    /// <summary>Publishes the server answered with an error.</summary>
    long Rejected { get; }

    /// <summary>Buffers one publish of <paramref name="text"/>; nothing is sent until <see cref="FlushAsync"/>.</summary>
    void Append(ReadOnlySpan<byte> text);

    ValueTask FlushAsync(CancellationToken cancellationToken);
}
