using System.Globalization;
using System.Net;

namespace Piazza.Bench.Targets;

/// <summary>
/// Any IRC server in the same topology: receivers are clients joined to one channel. IRC has no acknowledgement of a
/// PRIVMSG and, without echo-message (ngIRCd has none), no echo to its sender; so each sender holds two joined clients,
/// like a Redis sender: one that sends (and ignores what it hears) and one that listens, counting the room into the
/// sender's echoes. A send is acknowledged when the sender's own listener hears it: the window bounds the messages
/// still on their way through the server, the same rule on every server.
/// </summary>
internal sealed class IrcTarget(IPEndPoint endPoint, string channel) : IBenchTarget
{
    // Never waited on with a wait handle, so it holds nothing that needs disposing.
    private readonly SemaphoreSlim _creating = new(1, 1);
    private volatile bool _created;

    public string Name => "irc";

    public async Task<IAsyncDisposable> OpenReceiverAsync(string name, DeliveryCounter counter, CancellationToken cancellationToken)
        => await OpenAsync(name, counter, ackSender: -1, onAck: null, cancellationToken).ConfigureAwait(false);

    public async Task<IPublisher> OpenPublisherAsync(string name, DeliveryCounter echoes, Action onAck, CancellationToken cancellationToken)
    {
        var index = SenderIndex(name);
        var listening = await OpenAsync(name, echoes, index, onAck, cancellationToken).ConfigureAwait(false);
        try
        {
            // "t" + the sender's name: a second, valid nick (a letter first) for the sending half.
            var sending = await IrcConnection.OpenAsync(endPoint, "t" + name, channel, counter: null, ackSender: -1, onAck, cancellationToken).ConfigureAwait(false);
            return new IrcPublisher(sending, listening);
        }
        catch
        {
            await listening.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The first member joins alone and creates the channel; the others join it once it exists. Piazza counts each of
    /// several racing JOINs of a missing room as a creation, and limits creations per address.
    /// </summary>
    private async Task<IrcConnection> OpenAsync(string nick, DeliveryCounter? counter, int ackSender, Action? onAck, CancellationToken cancellationToken)
    {
        if (!_created)
        {
            await _creating.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_created)
                {
                    var first = await IrcConnection.OpenAsync(endPoint, nick, channel, counter, ackSender, onAck, cancellationToken).ConfigureAwait(false);
                    _created = true;
                    return first;
                }
            }
            finally
            {
                _creating.Release();
            }
        }

        return await IrcConnection.OpenAsync(endPoint, nick, channel, counter, ackSender, onAck, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>LoadRun names sender i "s{i}-{run}"; the payload carries i, which is how its listener knows its own sends.</summary>
    private static int SenderIndex(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return name.StartsWith('s') && dash > 1 && int.TryParse(name.AsSpan(1, dash - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw new ArgumentException($"a sender's name is s<index>-<run>, not '{name}'", nameof(name));
    }

    private sealed class IrcPublisher(IrcConnection sending, IrcConnection listening) : IPublisher
    {
        public long Acked => listening.Acked + sending.Acked;

        public long Rejected => sending.Rejected;

        public void Append(ReadOnlySpan<byte> text) => sending.AppendPrivmsg(text);

        public ValueTask FlushAsync(CancellationToken cancellationToken) => sending.FlushAsync(cancellationToken);

        public async ValueTask DisposeAsync()
        {
            await sending.DisposeAsync().ConfigureAwait(false);
            await listening.DisposeAsync().ConfigureAwait(false);
        }
    }
}
