using Piazza.Core.Conversations;
using Piazza.Protocol;

namespace Piazza.Core.Messaging;

/// <summary>Group conversations: the <c>to</c> list resolved to identities, and the conversation of all of them.</summary>
internal sealed partial class MessagingService
{
    private async Task<HubResult<(Conversation Conversation, string? Recipient)>> GroupConversationOfAsync(ChatSession session, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var user = session.User;
        var checkedNames = GroupConversationRule.Check(names, user.Name);
        if (!checkedNames.Succeeded)
        {
            return checkedNames.Error!;
        }

        var others = await ResolveGroupAsync(checkedNames.Value!, user.Key, cancellationToken).ConfigureAwait(false);
        if (!others.Succeeded)
        {
            return others.Error!;
        }

        var people = others.Value!;
        if (people.Any(p => p.Key == user.Key) || people.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count() != people.Count)
        {
            return new HubError(ErrorCode.BadRequest, "\"to\" names the same person more than once, or you");
        }

        var id = DirectConversationId.ForGroup(people.Select(p => p.Key).Append(user.Key));
        var group = (DirectConversation)(await conversations.LoadAsync(id).ConfigureAwait(false))!;
        group.LearnName(user.Key, user.Name);
        foreach (var (key, name) in people)
        {
            group.LearnName(key, name);
        }

        attacher.AttachParticipants(group);

        // The frame's "to": the others' names in the id's (key) order, stored comma-separated (names have no comma).
        var recipients = string.Join(',', people.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Name));
        return HubResult<(Conversation, string?)>.Ok((group, recipients));
    }

    /// <summary>
    /// A send to a private conversation named by its id (<c>"room":"@alice,bob,carol"</c>, REST
    /// <c>POST /api/rooms/{id}/messages</c>): the id rule first; each other participant must still exist (an account,
    /// or a guest still logged in), known from the conversation once a send named them.
    /// </summary>
    private async Task<HubResult<(Conversation Conversation, string? Recipient)>> PrivateByIdAsync(ChatSession session, string room, CancellationToken cancellationToken)
    {
        var user = session.User;
        var checkedId = DirectConversationIdRule.Check(room, user.Key);
        if (!checkedId.Succeeded)
        {
            return checkedId.Error!;
        }

        var id = checkedId.Value!;
        DirectConversationId.TryParticipants(id, out var keys);
        var known = conversations.Find(id) as DirectConversation;
        var others = new List<(string Key, string Name)>();
        foreach (var key in keys.Where(k => k != user.Key).Distinct(StringComparer.Ordinal))
        {
            var name = known?.NameOf(key) ?? online.FindByIdentity(key)?.Name;
            if (name is null && !IdentityKey.IsGuest(key) && await hub.Store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false) is { } account)
            {
                name = account.Name;
            }

            if (name is null)
            {
                return new HubError(ErrorCode.NoSuchUser, "someone in that conversation is no longer here (a guest who left, or a deleted account)");
            }

            others.Add((key, name));
        }

        var conversation = (DirectConversation)(await conversations.LoadAsync(id).ConfigureAwait(false))!;
        conversation.LearnName(user.Key, user.Name);
        foreach (var (key, name) in others)
        {
            conversation.LearnName(key, name);
        }

        attacher.AttachParticipants(conversation);
        var recipient = others.Count == 0 ? user.Name : string.Join(',', others.Select(o => o.Name));
        return HubResult<(Conversation, string?)>.Ok((conversation, recipient));
    }

    /// <summary>
    /// Each folded name's identity: online here or on another node, else an offline account (named by a loaded
    /// conversation of the same people when there is one, else read once from the store).
    /// </summary>
    private async Task<HubResult<List<(string Key, string Name)>>> ResolveGroupAsync(IReadOnlyList<string> folded, string senderKey, CancellationToken cancellationToken)
    {
        var keys = new string[folded.Count];
        var names = new string?[folded.Count];
        for (var i = 0; i < folded.Count; i++)
        {
            if (online.FindByName(folded[i]) is { } local)
            {
                (keys[i], names[i]) = (local.Key, local.Name);
            }
            else if (await online.Claims.FindAsync(folded[i], cancellationToken).ConfigureAwait(false) is { } claim)
            {
                (keys[i], names[i]) = (claim.Identity, claim.Name);
            }
            else
            {
                keys[i] = folded[i]; // an offline account's key is its folded name
            }
        }

        var known = Array.IndexOf(names, null) >= 0 ? conversations.Find(DirectConversationId.ForGroup(keys.Append(senderKey))) as DirectConversation : null;
        var resolved = new List<(string Key, string Name)>(folded.Count);
        for (var i = 0; i < folded.Count; i++)
        {
            if (names[i] is null && known?.NameOf(keys[i]) is { } remembered)
            {
                names[i] = remembered;
            }

            if (names[i] is null)
            {
                if (await hub.Store.FindAccountAsync(folded[i], cancellationToken).ConfigureAwait(false) is not { } account)
                {
                    return new HubError(ErrorCode.NoSuchUser, $"there is no user '{folded[i]}'");
                }

                (keys[i], names[i]) = (account.Key, account.Name);
            }

            resolved.Add((keys[i], names[i]!));
        }

        return HubResult<List<(string Key, string Name)>>.Ok(resolved);
    }
}
