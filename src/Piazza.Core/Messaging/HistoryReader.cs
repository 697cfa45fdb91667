using Piazza.Core.Conversations;
using Piazza.Core.Limits;
using Piazza.Core.Observability;
using Piazza.Core.Rooms;
using Piazza.Protocol;

namespace Piazza.Core.Messaging;

/// <summary>
/// History requests: stored messages of a room the user is in or of one of its private conversations. Reads are
/// rate limited (<see cref="FloodControl.TryAcquireRead"/>) and never load a private conversation into memory: one
/// that is not loaded is read from the store as it is, and one that was never written to answers empty.
/// </summary>
internal sealed class HistoryReader(HubContext hub, ConversationCache conversations, RoomService rooms, MessagingService messaging, FloodControl flood)
{
    /// <summary>
    /// Those after <paramref name="after"/>, or before <paramref name="before"/> (default: the latest), never past
    /// what has been delivered live, so history and live messages never disagree; at most about
    /// <paramref name="maxBytes"/> of them (the answer must fit its asker's outbox), the rest left for the next request.
    /// </summary>
    public async Task<HubResult<HistoryEvent>> ReadAsync(ChatSession session, string? room, string? with, long? before, long? after, int? limit, string? requestId, long maxBytes, CancellationToken cancellationToken)
    {
        var window = await OpenAsync(session, room, with, before, after, limit, cancellationToken).ConfigureAwait(false);
        return window.Succeeded
            ? HubResult<HistoryEvent>.Ok(await AnswerAsync(window.Value!, requestId, maxBytes, cancellationToken).ConfigureAwait(false))
            : window.Error!;
    }

    private static async Task<HistoryEvent> AnswerAsync(HistoryWindow window, string? requestId, long maxBytes, CancellationToken cancellationToken)
    {
        var (messages, more) = await window.ReadCappedAsync(maxBytes, cancellationToken).ConfigureAwait(false);
        return new HistoryEvent(window.Room, messages, requestId) { More = more, FirstSeq = await window.FirstSeqAsync(cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>Checks and counts the read as <see cref="ReadAsync"/> does; the caller reads the window (in pages).</summary>
    public async Task<HubResult<HistoryWindow>> OpenAsync(ChatSession session, string? room, string? with, long? before, long? after, int? limit, CancellationToken cancellationToken)
    {
        var count = limit ?? hub.Options.HistoryOnJoin;
        if (count is < 1 or > ChatHub.MaxHistoryLimit)
        {
            return new HubError(ErrorCode.BadRequest, $"\"limit\" must be 1 to {ChatHub.MaxHistoryLimit}");
        }

        if (before is not null && after is not null)
        {
            return new HubError(ErrorCode.BadRequest, "give \"before\" or \"after\", not both");
        }

        // Every request counts, a refused id too: probing ids costs the same budget as reading.
        if (flood.TryAcquireRead(session) is { } throttled)
        {
            return throttled;
        }

        var readable = await ResolveAsync(session, room, with, cancellationToken).ConfigureAwait(false);
        if (!readable.Succeeded)
        {
            return readable.Error!;
        }

        var (key, name, delivered) = readable.Value!;
        HubMetrics.HistoryRead();
        return HubResult<HistoryWindow>.Ok(new HistoryWindow(hub.Store, key, name, delivered, before, after, count));
    }

    /// <summary>
    /// The conversation a history request names, if the user may read it: <paramref name="with"/> a user, a private id
    /// in <paramref name="room"/>, or a room (the lobby when neither is given; private rooms hide themselves from
    /// non-members). <see cref="ReadableConversation.Delivered"/> is null for a private conversation not in memory:
    /// nothing is in flight there, so the store is the truth.
    /// </summary>
    public async Task<HubResult<ReadableConversation>> ResolveAsync(ChatSession session, string? room, string? with, CancellationToken cancellationToken)
    {
        string? directKey = null;
        if (with is null && room is not null && DirectConversationId.IsDirect(room))
        {
            var canonical = DirectConversationIdRule.Check(room, session.User.Key);
            if (!canonical.Succeeded)
            {
                return canonical.Error!;
            }

            directKey = canonical.Value;
        }

        if (with is not null)
        {
            var target = await messaging.ResolveRecipientAsync(with, session.User.Key, cancellationToken).ConfigureAwait(false);
            if (target is null)
            {
                return new HubError(ErrorCode.NoSuchUser, $"there is no user '{with}'");
            }

            directKey = DirectConversationId.For(session.User.Key, target.Value.Key);
        }

        if (directKey is not null)
        {
            var loaded = conversations.Find(directKey);
            return HubResult<ReadableConversation>.Ok(new ReadableConversation(directKey, loaded?.Name ?? directKey, loaded?.LastDelivered));
        }

        var resolved = await rooms.ResolveRoomAsync(session, room ?? ChatHub.LobbyName).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var conversation = resolved.Value!;
        return HubResult<ReadableConversation>.Ok(new ReadableConversation(conversation.Key, conversation.Name, conversation.LastDelivered));
    }
}

/// <summary>A conversation a user may read (<see cref="HistoryReader.ResolveAsync"/>): its key, name, and newest seq delivered if known.</summary>
internal sealed record ReadableConversation(string Key, string Name, long? Delivered);
