using Piazza.Core.Conversations;
using Piazza.Core.Moderation;
using Piazza.Core.Online;

namespace Piazza.Core.Messaging;

/// <summary>
/// Who a message's <c>@name</c> tokens (<see cref="MentionRule"/>) name among the conversation's members: in a room,
/// the users present in it (accounts and guests, on any node) and the accounts that joined it (stored memberships, read
/// once per message that names someone absent); in a private conversation, its participants. The one store read of the
/// send path, and only for a text with an <c>@</c> token that names nobody present.
/// </summary>
internal sealed class MentionResolver(HubContext hub, OnlineDirectory online)
{
    /// <summary>The identity keys <paramref name="text"/> mentions (<see cref="MentionRule.Everyone"/> first when it applies); null when none.</summary>
    public async Task<IReadOnlyList<string>?> ResolveAsync(ChatUser sender, Conversation conversation, string text, CancellationToken cancellationToken)
    {
        if (!text.Contains('@', StringComparison.Ordinal))
        {
            return null;
        }

        var (names, roomToken) = MentionRule.Tokens(text);
        if (names.Count == 0 && !roomToken)
        {
            return null;
        }

        var keys = conversation is ChatRoom room
            ? await InRoomAsync(sender, room, names, roomToken, cancellationToken).ConfigureAwait(false)
            : AmongParticipants(conversation.Key, names);
        return keys.Count == 0 ? null : keys.Distinct(StringComparer.Ordinal).ToList();
    }

    private async Task<List<string>> InRoomAsync(ChatUser sender, ChatRoom room, IReadOnlyList<string[]> names, bool roomToken, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        if (roomToken)
        {
            var members = Math.Max(await hub.Store.MemberCountAsync(room.Key, cancellationToken).ConfigureAwait(false), room.PresentCount);
            if (MentionRule.MayMentionEveryone(ModerationPolicy.CanModerate(Ranks.In(room, sender)), members))
            {
                keys.Add(MentionRule.Everyone);
            }
        }

        // Each token's key in its slot, so the list keeps the order of first mention whoever is present.
        var found = new string?[names.Count];
        var absent = new List<int>();
        for (var i = 0; i < names.Count; i++)
        {
            if (Array.Find(names[i], room.IsPresent) is { } present)
            {
                found[i] = await IdentityOfPresentAsync(present, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                absent.Add(i);
            }
        }

        if (absent.Count > 0)
        {
            var stored = await hub.Store.MembersAmongAsync(room.Key, [.. absent.SelectMany(i => names[i])], cancellationToken).ConfigureAwait(false);
            foreach (var i in absent)
            {
                if (Array.Find(names[i], c => stored.Contains(c, StringComparer.Ordinal)) is { } member)
                {
                    found[i] = IdentityKey.OfAccount(member);
                }
            }
        }

        keys.AddRange(found.OfType<string>());
        return keys;
    }

    /// <summary>A present user's identity key: an account's folded name, a guest's suffixed key (from whichever node holds its name).</summary>
    private async Task<string> IdentityOfPresentAsync(string nameKey, CancellationToken cancellationToken)
    {
        if (online.FindByName(nameKey) is { } local)
        {
            return local.Key;
        }

        var claim = await online.Claims.FindAsync(nameKey, cancellationToken).ConfigureAwait(false);
        return claim?.Identity ?? IdentityKey.OfAccount(nameKey);
    }

    /// <summary>The participants (identity keys after the '@' of a private or group id, comma-separated) the tokens name.</summary>
    private static List<string> AmongParticipants(string conversationKey, IReadOnlyList<string[]> names)
    {
        var participants = conversationKey.Length > 1 ? conversationKey[1..].Split(',') : [];
        var keys = new List<string>();
        foreach (var candidates in names)
        {
            if (Array.Find(participants, p => Array.IndexOf(candidates, IdentityKey.NameKeyOf(p)) >= 0) is { } participant)
            {
                keys.Add(participant);
            }
        }

        return keys;
    }
}
