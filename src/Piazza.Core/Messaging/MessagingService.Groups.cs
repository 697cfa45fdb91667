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
