using Piazza.Core.Cluster;
using Piazza.Core.Conversations;
using Piazza.Core.Delivery;
using Piazza.Core.Observability;
using Piazza.Core.Online;
using Piazza.Protocol;

namespace Piazza.Core.Away;

/// <summary>
/// Away status: set per user (an account's devices share it; a guest's is its session's) with a short one-line text,
/// on every node (<see cref="AwayChangedSignal"/>, applied by the same handler here and on the others). The rooms the
/// user is in and their open private conversations hear <c>away</c>, each connection once; the user's own devices
/// hear it too (that is how they learn what another device set). It lasts while the user is connected: their last
/// connection going (on every node) forgets it quietly, so a user who comes back the next day is not still "at lunch".
/// Kept in memory only: there is nothing to store.
/// </summary>
internal sealed class AwayService
{
    /// <summary>Longest away text in characters: a status, not a message.</summary>
    public const int MaxAwayChars = 100;

    private readonly HubContext _hub;
    private readonly OnlineDirectory _online;
    private readonly ConversationCache _conversations;
    private readonly ClusterPresence _presence;
    private readonly SlowConsumers _slowConsumers;

    // Each change is a frame to everyone sharing a room with the user (the lobby: everyone): a burst of 5, then one
    // every 2 s per user, so toggling away cannot flood a big room past the presence coalescing.
    private readonly Limits.KeyedTokenBuckets _changes;

    public AwayService(HubContext hub, OnlineDirectory online, ConversationCache conversations, ClusterPresence presence, SlowConsumers slowConsumers)
    {
        _hub = hub;
        _online = online;
        _conversations = conversations;
        _presence = presence;
        _slowConsumers = slowConsumers;
        _changes = new Limits.KeyedTokenBuckets(0.5, 5, hub.Time);
        hub.Cluster.On<AwayChangedSignal>(Apply);
        online.WentOffline += WentOffline;
    }

    private AwayBook Book => _presence.Away;

    /// <summary>The rule for an away text: trimmed, one line, at most <see cref="MaxAwayChars"/>; empty or absent means back (null).</summary>
    public static HubResult<string?> CheckText(string? text)
    {
        var trimmed = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (trimmed?.Length > MaxAwayChars)
        {
            return new HubError(ErrorCode.TooLarge, $"away texts are at most {MaxAwayChars} characters");
        }

        if (trimmed is not null && !UnicodeHygiene.CheckText(trimmed, allowNewlines: false, out var problem))
        {
            return new HubError(ErrorCode.BadText, problem);
        }

        return HubResult<string?>.Ok(trimmed);
    }

    /// <summary>Sets (text) or clears (null, empty) the user's away status everywhere; returns the text as stored.</summary>
    public HubResult<string?> Set(ChatSession session, string? text)
    {
        var checkedText = CheckText(text);
        if (!checkedText.Succeeded)
        {
            return checkedText;
        }

        var user = session.User;
        if (_changes.TryTake(user.Key) is { } retryAfter)
        {
            return HubMetrics.Refusal(RateLimitKind.Away, $"too many away changes; try again in {Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds)):0} s", retryAfter);
        }

        _hub.Enact(new AwayChangedSignal(user.Name, checkedText.Value, _hub.Now, ConversationsOf(user)));
        return checkedText;
    }

    /// <summary>Keys of the rooms the user is in and of the private conversations their connections here have open.</summary>
    private static List<string> ConversationsOf(ChatUser user)
    {
        var keys = new HashSet<string>(user.Rooms, StringComparer.Ordinal);
        foreach (var session in user.Sessions)
        {
            foreach (var conversation in session.AttachedConversations())
            {
                keys.Add(conversation.Key);
            }
        }

        return [.. keys];
    }

    private void Apply(AwayChangedSignal signal)
    {
        var nameKey = UserNamePolicy.Fold(signal.User);
        var text = signal.Quiet ? null : signal.Text;
        var before = Book.Of(nameKey);
        Book.Set(nameKey, text);
        if (signal.Quiet || before == text)
        {
            return;
        }

        var away = new AwayEvent(signal.User, text, signal.At);
        var recipients = new HashSet<ChatSession>();
        foreach (var key in signal.Conversations)
        {
            if (_conversations.Find(key) is { } conversation)
            {
                recipients.UnionWith(conversation.Subscribers);
            }
        }

        if (_online.FindByName(nameKey) is { } user)
        {
            recipients.UnionWith(user.Sessions);
            foreach (var conversation in user.Sessions.SelectMany(s => s.AttachedConversations()))
            {
                recipients.UnionWith(conversation.Subscribers);
            }
        }

        _slowConsumers.Run(overflowed =>
        {
            foreach (var session in recipients)
            {
                if (!session.HasEnded && !session.Connection.TryEnqueue(away))
                {
                    overflowed.Add(session);
                }
            }
        });
    }

    /// <summary>The user's last connection here went: unless another node still holds them, the status is forgotten everywhere.</summary>
    private void WentOffline(ChatUser user)
    {
        if (Book.Of(user.NameKey) is null || _presence.Remote.IsAnywhere(user.NameKey))
        {
            return;
        }

        _hub.Enact(new AwayChangedSignal(user.Name, null, _hub.Now, [], Quiet: true));
    }
}
