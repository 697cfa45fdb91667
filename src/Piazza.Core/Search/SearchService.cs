using Piazza.Core.Conversations;
using Piazza.Core.Limits;
using Piazza.Core.Messaging;
using Piazza.Protocol;

namespace Piazza.Core.Search;

/// <summary>One search result: the message as history shows it, and its snippet (<see cref="SearchSnippet"/>).</summary>
public sealed record SearchResult(MessageEvent Message, string Snippet);

/// <summary>One page of results, newest first; <see cref="Next"/> continues with older ones, null on the last page.</summary>
public sealed record SearchPage(IReadOnlyList<SearchResult> Results, long? Next);

/// <summary>
/// Full-text search (docs/protocol.md, "Search"). The conversations searched are computed here, never taken from the
/// client: the rooms the user is in now (a private room only as a member) and the user's own two-person and group
/// conversations. A <c>room</c> (or <c>in:</c>) the user may not read answers exactly as a missing room does.
/// </summary>
internal sealed class SearchService(HubContext hub, ConversationCache conversations, MessagingService messaging, FloodControl flood)
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 50;

    /// <summary>Most private conversations of one user searched at once (the most recently active ones).</summary>
    public const int MaxPrivateConversations = 10_000;

    public async Task<HubResult<SearchPage>> SearchAsync(ChatSession session, string? text, string? room, int? limit, long? before, CancellationToken cancellationToken)
    {
        var parsed = SearchQueryParser.Parse(text);
        if (!parsed.Succeeded)
        {
            return parsed.Error!;
        }

        var query = parsed.Value!;
        var count = limit ?? DefaultLimit;
        if (count is < 1 or > MaxLimit)
        {
            return new HubError(ErrorCode.BadRequest, $"\"limit\" must be 1 to {MaxLimit}");
        }

        if (before is <= 0)
        {
            return new HubError(ErrorCode.BadRequest, "\"before\" must be the \"next\" of an earlier page");
        }

        if (room is not null && query.In is not null)
        {
            return new HubError(ErrorCode.BadRequest, "give \"room\" or 'in:', not both");
        }

        if (flood.TryAcquireRead(session) is { } throttled)
        {
            return throttled;
        }

        var scope = room ?? query.In;
        var keys = scope is null
            ? await ReadableAsync(session.User, cancellationToken).ConfigureAwait(false)
            : await ScopeAsync(session.User, scope, cancellationToken).ConfigureAwait(false);
        if (keys is null)
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room or conversation '{scope}' you can search");
        }

        if (keys.Count == 0)
        {
            return HubResult<SearchPage>.Ok(new SearchPage([], null));
        }

        var hits = await hub.Store.SearchAsync(new Storage.SearchRequest(query, keys, query.From, before, count + 1), cancellationToken).ConfigureAwait(false);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var results = new List<SearchResult>(Math.Min(count, hits.Count));
        foreach (var hit in hits.Take(count))
        {
            var stored = hit.Message;
            if (!names.TryGetValue(stored.Conversation, out var name))
            {
                name = await NameOfAsync(stored.Conversation, cancellationToken).ConfigureAwait(false);
                names[stored.Conversation] = name;
            }

            results.Add(new SearchResult(Conversation.FromStored(stored, stored.Conversation, name), SearchSnippet.Build(stored.Text, query)));
        }

        return HubResult<SearchPage>.Ok(new SearchPage(results, hits.Count > count ? hits[count - 1].Cursor : null));
    }

    /// <summary>Every conversation the user may read now: rooms they are in, and their own private and group conversations.</summary>
    private async Task<IReadOnlyList<string>> ReadableAsync(ChatUser user, CancellationToken cancellationToken)
    {
        var keys = new List<string>(user.Rooms);
        var direct = await hub.Store.ConversationsOfAsync(user.Key, MaxPrivateConversations, cancellationToken).ConfigureAwait(false);
        keys.AddRange(direct.Where(key => Attacher.IsParticipant(key, user.Key)));
        return keys;
    }

    /// <summary>The one conversation <paramref name="scope"/> names if the user may read it now; null otherwise (missing or hidden alike).</summary>
    private async Task<IReadOnlyList<string>?> ScopeAsync(ChatUser user, string scope, CancellationToken cancellationToken)
    {
        if (scope.StartsWith('@'))
        {
            if (scope.Contains(',', StringComparison.Ordinal))
            {
                var canonical = DirectConversationIdRule.Check(scope, user.Key);
                return canonical.Succeeded ? [canonical.Value!] : null;
            }

            if (!UserNamePolicy.IsValid(scope[1..], out _)
                || await messaging.ResolveRecipientAsync(scope[1..], user.Key, cancellationToken).ConfigureAwait(false) is not { } other)
            {
                // A user who is not online and has no account may still have been a partner: an account-less name folds alike.
                return UserNamePolicy.IsValid(scope[1..], out _) ? [DirectConversationId.For(user.Key, UserNamePolicy.Fold(scope[1..]))] : null;
            }

            return [DirectConversationId.For(user.Key, other.Key)];
        }

        if (!RoomNamePolicy.IsValid(scope, out _))
        {
            return null;
        }

        var key = RoomNamePolicy.Fold(scope);
        return user.IsInRoom(key) ? [key] : null;
    }

    private async Task<string> NameOfAsync(string key, CancellationToken cancellationToken)
    {
        if (DirectConversationId.IsDirect(key))
        {
            return key;
        }

        return conversations.Find(key)?.Name ?? (await hub.Store.FindRoomAsync(key, cancellationToken).ConfigureAwait(false))?.Name ?? key;
    }
}
