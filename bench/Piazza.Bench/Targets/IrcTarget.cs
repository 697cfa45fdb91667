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
    public string Name => "irc";

    public async Task<IAsyncDisposable> OpenReceiverAsync(string name, DeliveryCounter counter, CancellationToken cancellationToken)
        => await IrcConnection.OpenAsync(endPoint, name, channel, counter, ackSender: -1, onAck: null, cancellationToken).ConfigureAwait(false);

    public async Task<IPublisher> OpenPublisherAsync(string name, DeliveryCounter echoes, Action onAck, CancellationToken cancellationToken)
    {
        var index = SenderIndex(name);
        var listening = await IrcConnection.OpenAsync(endPoint, name, channel, echoes, index, onAck, cancellationToken).ConfigureAwait(false);
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
