using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>Away status and typing notices.</summary>
public sealed partial class PiazzaClient
{
    /// <summary>The id of the <c>away</c> that restores ours after a reconnect: its answer is nobody's business.</summary>
    private const string AwayRestoreId = "away-restore";

    private volatile string? _awayText;

    /// <summary>Our away text as last set (here or on another device of the account); null when not away.</summary>
    public string? AwayText => _awayText;

    /// <summary>
    /// Sets our away status on all our devices (<paramref name="text"/>: why, one line, at most 100 characters) or
    /// clears it (null or empty: back); returns the text the server kept. The server forgets it when our last
    /// connection goes; this client sets it again after a reconnect.
    /// </summary>
    public async Task<string?> SetAwayAsync(string? text, CancellationToken cancellationToken = default)
    {
        var ok = await RequestAsync(new ClientFrame { Type = FrameTypes.Away, Text = string.IsNullOrWhiteSpace(text) ? null : text }, Repeat.AfterReconnect, cancellationToken).ConfigureAwait(false);
        _awayText = ok.Text;
        return ok.Text;
    }

    /// <summary>
    /// Tells the others in <paramref name="conversation"/> (a room, or a private conversation's id <c>@a,b</c>) that
    /// we are typing. Fire and forget: the server passes on one every 3 s at most and drops the rest; nothing is sent
    /// while disconnected (a stale notice would be wrong). Call it as the user types; a refusal arrives as a <see cref="ServerError"/>.
    /// </summary>
    public Task SendTypingAsync(string conversation)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversation);
        return _link is { } link ? WriteQuietlyAsync(link, new ClientFrame { Type = FrameTypes.Typing, Room = conversation }) : Task.CompletedTask;
    }

    /// <summary>As <see cref="SendTypingAsync"/>, to the private conversation with <paramref name="user"/>.</summary>
    public Task SendTypingToAsync(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        return _link is { } link ? WriteQuietlyAsync(link, new ClientFrame { Type = FrameTypes.Typing, To = user }) : Task.CompletedTask;
    }

    /// <summary>After a reconnect, the away status we had (the server forgot it if this was our last connection).</summary>
    private void RestoreAway(Link link, bool reconnected)
    {
        if (reconnected && _awayText is { } text)
        {
            _ = WriteQuietlyAsync(link, new ClientFrame { Type = FrameTypes.Away, Text = text, Id = AwayRestoreId });
        }
    }
}
