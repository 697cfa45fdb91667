using Piazza.Protocol;

namespace Piazza.Core.Conversations;

/// <summary>
/// The one check of a private conversation id a user names (<c>history</c> <c>room</c>, <c>hello</c> <c>resume</c>,
/// REST <c>/api/rooms/@a,b/messages</c>): it must be the id the server itself would make, <c>@a,b</c> with two
/// identity keys (or <c>@a,b,c</c> with up to ten, a group), folded, in ordinal order, one of them the asker's. Anything else is refused, so one conversation
/// has exactly one id and no made-up spelling can reach the store or the cache.
/// </summary>
public static class DirectConversationIdRule
{
    /// <summary>
    /// The id when it is canonical and <paramref name="askerKey"/> takes part in it; otherwise <c>bad_request</c>
    /// (not an id as the server writes them) or <c>forbidden</c> (a well-formed id of other identities). A group
    /// id (3 to <see cref="DirectConversationId.MaxParticipants"/> keys) names each participant once.
    /// </summary>
    public static HubResult<string> Check(string id, string askerKey)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(askerKey);
        if (!DirectConversationId.TryParticipants(id, out var keys)
            || !Array.TrueForAll(keys, key => IsIdentityKey(key, askerKey))
            || !IsCanonical(id, keys))
        {
            return new HubError(ErrorCode.BadRequest, $"a private conversation id is '@' and its 2 to {DirectConversationId.MaxParticipants} participants' keys, folded (lower case), each once, in ordinal order, separated by commas, as the server sends it in \"room\"");
        }

        return Array.IndexOf(keys, askerKey) >= 0
            ? HubResult<string>.Ok(id)
            : new HubError(ErrorCode.Forbidden, "that conversation is not yours");
    }

    private static bool IsCanonical(string id, string[] keys)
        => keys.Length == 2
            ? DirectConversationId.For(keys[0], keys[1]) == id
            : DirectConversationId.ForGroup(keys) == id && keys.Distinct(StringComparer.Ordinal).Count() == keys.Length;

    /// <summary>
    /// Whether <paramref name="key"/> is an identity key as the server makes them (<see cref="IdentityKey"/>): the
    /// asker's own, an account's folded name or a guest's suffixed key; or a guest key from before guest keys had a
    /// suffix ('~' and a folded name), so an account can still read a conversation stored under one.
    /// </summary>
    public static bool IsIdentityKey(string key, string askerKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key == askerKey || IdentityKey.IsWellFormed(key)
            || (key.Length > 1 && key[0] == '~' && UserNamePolicy.IsValid(key[1..], out _) && UserNamePolicy.Fold(key[1..]) == key[1..]);
    }
}
