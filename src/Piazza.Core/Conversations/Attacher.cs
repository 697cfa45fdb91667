using Piazza.Core.Delivery;
using Piazza.Core.Online;

namespace Piazza.Core.Conversations;

/// <summary>
/// Attaching connections to conversations so that each receives everything after its resume point and then live
/// messages, with no gap and no duplicate. Older messages come from the store in pages, paced by the connection's
/// outbox; the last stretch and the switch to live happen under the conversation's lock, from its in-memory ring.
/// </summary>
internal sealed class Attacher(HubContext hub, ConversationCache conversations, OnlineDirectory online, SlowConsumers slowConsumers, Limits.FloodControl flood)
{
    /// <summary>Messages read from the store per history frame while a connection catches up.</summary>
    private const int CatchUpPage = 200;

    /// <summary>
    /// Attaches a connection so that it receives everything after <paramref name="afterSeq"/> (default: the last
    /// <see cref="ChatHubOptions.HistoryOnJoin"/> messages) and then live messages.
    /// </summary>
    public Task AttachAsync(ChatSession session, Conversation conversation, long? afterSeq, CancellationToken cancellationToken)
        => AttachAsync(session, conversation, afterSeq, null, cancellationToken);

    /// <summary>As <see cref="AttachAsync(ChatSession, Conversation, long?, CancellationToken)"/>; a room's state frame carries <paramref name="counts"/>.</summary>
    public async Task AttachAsync(ChatSession session, Conversation conversation, long? afterSeq, ReadCounts? counts, CancellationToken cancellationToken)
    {
        if (conversation.IsSubscribed(session))
        {
            return; // attached already (a join and a login of the same device crossed)
        }

        var historyOnJoin = hub.Options.HistoryOnJoin;
        var overflowed = new List<ChatSession>();
        while (!conversation.BeginAttach(session, overflowed, counts))
        {
            // Retired by an idle sweep in between: its replacement comes from the store. A guest's room that emptied
            // meanwhile is gone (joins hold it, so only a login can meet this): the user is no longer in it.
            if (await conversations.LoadAsync(conversation.Key).ConfigureAwait(false) is not { } reloaded)
            {
                session.User.RemoveRoom(conversation.Key);
                return;
            }

            conversation = reloaded;
        }

        var from = afterSeq ?? Math.Max(0, conversation.LastDelivered - historyOnJoin);
        var lastCount = afterSeq is null ? historyOnJoin : (int?)null;
        while (!await TryAttachPacedAsync(session, conversation, from, overflowed, lastCount, cancellationToken).ConfigureAwait(false))
        {
            if (session.HasEnded)
            {
                return;
            }

            lastCount = null; // from the store onwards, continue from what was sent
            var upTo = conversation.LastDelivered;

            // A catch-up from below a retention cut is told where history begins now (on its first frame), not shown a gap.
            var start = await hub.Store.HistoryStartAsync(conversation.Key, cancellationToken).ConfigureAwait(false);
            var firstSeq = start is { } cut && from + 1 < cut.FirstSeq ? cut.FirstSeq : (long?)null;
            while (from < upTo)
            {
                // Below a cut seqs have gaps, so a page may reach past what was delivered: that part comes live.
                var page = (await hub.Store.ReadAfterAsync(conversation.Key, from, (int)Math.Min(CatchUpPage, upTo - from), cancellationToken).ConfigureAwait(false))
                    .Where(m => m.Seq <= upTo).ToList();
                if (page.Count == 0)
                {
                    from = upTo; // nothing stored there (should not happen); never loop forever
                    break;
                }

                foreach (var chunk in Chunk(page.Select(conversation.FromStored)))
                {
                    await session.Connection.WaitForCapacityAsync(cancellationToken).ConfigureAwait(false);
                    if (session.HasEnded)
                    {
                        return;
                    }

                    if (!session.Connection.TryEnqueue(new HistoryEvent(conversation.Name, chunk, null) { FirstSeq = firstSeq }))
                    {
                        overflowed.Add(session);
                        slowConsumers.Drop(overflowed);
                        return;
                    }

                    firstSeq = null;
                }

                from = page[^1].Seq;
            }

            if (firstSeq is not null && !session.Connection.TryEnqueue(new HistoryEvent(conversation.Name, [], null) { FirstSeq = firstSeq }))
            {
                overflowed.Add(session);
                slowConsumers.Drop(overflowed);
                return;
            }
        }

        session.Attached(conversation);
        slowConsumers.Drop(overflowed);
    }

    /// <summary>
    /// Waits until the outbox is half empty, then tries the in-memory attach: its frame (at most <see cref="FrameBytes"/>)
    /// then fits, so entering conversation after conversation never overflows a client that reads.
    /// </summary>
    private static async Task<bool> TryAttachPacedAsync(ChatSession session, Conversation conversation, long from, List<ChatSession> overflowed, int? lastCount, CancellationToken cancellationToken)
    {
        await session.Connection.WaitForCapacityAsync(cancellationToken).ConfigureAwait(false);
        return !session.HasEnded && conversation.TryAttach(session, from, overflowed, lastCount);
    }

    /// <summary>
    /// Attaches a login's private conversations: recent ones (accounts), those it resumes, and any that started
    /// meanwhile. Only conversations that exist (a stored message) and that the user takes part in are entered.
    /// </summary>
    public async Task AttachDirectConversationsAsync(ChatSession session, IReadOnlyDictionary<string, long>? resume, CancellationToken cancellationToken)
    {
        var user = session.User;
        var keys = new List<string>();
        if (user.IsRegistered)
        {
            keys.AddRange(await hub.Store.ConversationsOfAsync(user.Key, hub.Options.ConversationsOnLogin, cancellationToken).ConfigureAwait(false));
        }

        keys.AddRange(ResumedConversations(session, resume, keys));
        foreach (var key in keys)
        {
            if (await conversations.LoadExistingAsync(key).ConfigureAwait(false) is { } conversation)
            {
                await AttachAsync(session, conversation, ResumePoint(resume, key), cancellationToken).ConfigureAwait(false);
            }
        }

        session.IsReady = true;

        // A conversation that started while this session was logging in: attach it now (at most as many as a login
        // attaches, each with its latest messages, so a busy cache never floods a new connection).
        var meanwhile = conversations.Loaded
            .OfType<DirectConversation>()
            .Where(direct => IsParticipant(direct.Key, user.Key) && !direct.IsSubscribed(session))
            .Take(hub.Options.ConversationsOnLogin)
            .ToList();
        foreach (var direct in meanwhile)
        {
            await AttachAsync(session, direct, ResumePoint(resume, direct.Key), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The private conversations named in <c>resume</c> that are honoured: canonical ids of the user's own not listed
    /// already (those are free), at most <see cref="ChatHubOptions.ConversationsOnLogin"/> looked at, each a read from the account's
    /// budget (once it is spent, the rest are left for <c>history</c>). Malformed or foreign ids are ignored.
    /// </summary>
    private List<string> ResumedConversations(ChatSession session, IReadOnlyDictionary<string, long>? resume, List<string> listed)
    {
        var resumed = new List<string>();
        var examined = 0;
        foreach (var key in resume?.Keys ?? [])
        {
            if (!DirectConversationId.IsDirect(key) || listed.Contains(key))
            {
                continue; // rooms resume with the rooms the user is in; listed ones are attached anyway
            }

            if (++examined > hub.Options.ConversationsOnLogin || flood.TryAcquireAccountRead(session) is not null)
            {
                break;
            }

            if (DirectConversationIdRule.Check(key, session.User.Key).Succeeded && !resumed.Contains(key))
            {
                resumed.Add(key);
            }
        }

        return resumed;
    }

    /// <summary>Attaches every ready connection of every participant that is not attached yet (a new conversation).</summary>
    public void AttachParticipants(DirectConversation conversation, long? afterSeq = null, bool asLive = false)
    {
        if (!DirectConversationId.TryParticipants(conversation.Key, out var keys))
        {
            return;
        }

        slowConsumers.Run(overflowed =>
        {
            foreach (var user in keys.Distinct(StringComparer.Ordinal).Select(online.FindByIdentity))
            {
                foreach (var session in user?.Sessions ?? [])
                {
                    if (session.IsReady && !conversation.IsSubscribed(session)
                        && conversation.BeginAttach(session, overflowed)
                        && conversation.TryAttach(session, afterSeq ?? conversation.LastDelivered, overflowed, asLive: asLive))
                    {
                        session.Attached(conversation);
                    }
                }
            }
        });
    }

    public static bool IsParticipant(string conversationKey, string identityKey)
        => DirectConversationId.TryParticipants(conversationKey, out var keys) && Array.IndexOf(keys, identityKey) >= 0;

    public static long? ResumePoint(IReadOnlyDictionary<string, long>? resume, string key)
    {
        if (resume is null)
        {
            return null;
        }

        foreach (var (name, seq) in resume)
        {
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
            {
                return Math.Max(0, seq);
            }
        }

        return null;
    }

    /// <summary>
    /// Most estimated bytes in one history frame sent while entering: paced by
    /// <see cref="IChatConnection.WaitForCapacityAsync"/>, such a frame always fits a half-empty outbox.
    /// </summary>
    internal const int FrameBytes = 64 * 1024;

    /// <summary>Splits a catch-up page into history frames of at most <see cref="FrameBytes"/>.</summary>
    private static IEnumerable<List<MessageEvent>> Chunk(IEnumerable<MessageEvent> messages)
    {
        var chunk = new List<MessageEvent>();
        var bytes = 0;
        foreach (var message in messages)
        {
            if (chunk.Count > 0 && bytes + message.EstimatedBytes > FrameBytes)
            {
                yield return chunk;
                chunk = [];
                bytes = 0;
            }

            chunk.Add(message);
            bytes += message.EstimatedBytes;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
