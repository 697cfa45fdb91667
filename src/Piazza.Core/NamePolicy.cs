using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// Room names: taken in Unicode NFC; 1 to 64 characters, each a letter, a digit, '-', '_' or '.' (so no control,
/// direction or invisible characters); compared case-insensitively. New rooms must also pass <see cref="IsAcceptableNew"/>.
/// </summary>
public static class RoomNamePolicy
{
    public const int MaxLength = NameSyntax.MaxRoomLength;

    /// <summary>The form a room name is used in (NFC).</summary>
    public static string Normalize(string name) => UnicodeHygiene.Normalize(name, System.Text.NormalizationForm.FormC);

    /// <summary>The room name rules (<see cref="NameSyntax.CheckRoomName"/>), shared with the clients.</summary>
    public static bool IsValid(string? name, out string problem) => NameSyntax.CheckRoomName(name, out problem);

    /// <summary>The stricter rules for creating a room: valid, and letters from at most one of Latin/Greek/Cyrillic.</summary>
    public static bool IsAcceptableNew(string? name, out string problem)
        => IsValid(name, out problem) && UnicodeHygiene.CheckSingleLookAlikeScript(Normalize(name!), "room names", out problem);

    /// <summary>The key a room is stored and found under: NFC, invariant lower case.</summary>
    public static string Fold(string name) => Normalize(name).ToLowerInvariant();
}

/// <summary>
/// Identity keys: what private conversations, room ownership, files and tokens are keyed by. An account's key is
/// its folded name (<see cref="UserNamePolicy.Fold"/>); a guest's is <c>~</c> + folded name + <c>~</c> + 16 random
/// lower-case hex digits, new at every guest login, so nothing a past guest had (its conversations, its rooms) is
/// reachable by a later guest or account of the same name. Names never contain '~' or ',', so keys parse back.
/// </summary>
public static class IdentityKey
{
    /// <summary>Hex digits of a guest key's random part (64 bits: never guessed, never repeated in practice).</summary>
    public const int GuestSuffixLength = 16;

    /// <summary>The key of the account with this folded name.</summary>
    public static string OfAccount(string nameKey) => nameKey;

    /// <summary>A fresh key for a guest with this folded name: unique for that guest's lifetime.</summary>
    public static string NewGuest(string nameKey)
        => $"~{nameKey}~{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(GuestSuffixLength / 2))}";

    public static bool IsGuest(string key) => key.StartsWith('~');

    /// <summary>The folded name inside a key (what bans, mutes and display compare).</summary>
    public static string NameKeyOf(string key)
    {
        if (!IsGuest(key))
        {
            return key;
        }

        var end = key.IndexOf('~', 1);
        return end < 0 ? key[1..] : key[1..end];
    }

    /// <summary>Whether a string is a key in canonical form: a folded valid name, or '~' + one + '~' + the random part.</summary>
    public static bool IsWellFormed(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            return false;
        }

        if (!IsGuest(key))
        {
            return IsFoldedName(key);
        }

        var end = key.IndexOf('~', 1);
        return end > 1 && key.Length - end - 1 == GuestSuffixLength && IsFoldedName(key[1..end])
            && key.AsSpan(end + 1).IndexOfAnyExcept("0123456789abcdef") < 0;
    }

    private static bool IsFoldedName(string name) => UserNamePolicy.IsValid(name, out _) && UserNamePolicy.Fold(name) == name;
}

/// <summary>
/// Private conversation ids: <c>@</c> and the participants' identity keys (<see cref="IdentityKey"/>) in ordinal
/// order, separated by commas, so every participant names it alike: two-person <c>@alice,bob</c>,
/// <c>@alice,~carol~3f9a0c2e7b1d4a65</c>; a group (3 to <see cref="MaxParticipants"/> keys) <c>@alice,bob,carol</c>.
/// </summary>
public static class DirectConversationId
{
    /// <summary>Most participants of a group conversation (the sender and 9 others).</summary>
    public const int MaxParticipants = 10;

    public static string For(string keyA, string keyB)
        => string.CompareOrdinal(keyA, keyB) <= 0 ? $"@{keyA},{keyB}" : $"@{keyB},{keyA}";

    /// <summary>The id of a group conversation of these keys (distinct, sorted ordinally).</summary>
    public static string ForGroup(IEnumerable<string> keys)
        => "@" + string.Join(',', keys.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

    public static bool IsDirect(string conversation) => conversation.StartsWith('@');

    /// <summary>Whether the id names more than two participants (a group conversation); says nothing of its validity.</summary>
    public static bool IsGroup(string conversation)
        => IsDirect(conversation) && conversation.AsSpan().Count(',') >= 2;

    /// <summary>The two identity keys of a two-person conversation id, or false when it is not one.</summary>
    public static bool TryParse(string conversation, out string first, out string second)
    {
        first = second = "";
        if (!TryParticipants(conversation, out var keys) || keys.Length != 2)
        {
            return false;
        }

        first = keys[0];
        second = keys[1];
        return true;
    }

    /// <summary>
    /// The identity keys of a private conversation id (2 to <see cref="MaxParticipants"/>, none empty; not checked
    /// for order or form: <see cref="Conversations.DirectConversationIdRule"/> does that), or false.
    /// </summary>
    public static bool TryParticipants(string conversation, out string[] keys)
    {
        keys = [];
        if (!IsDirect(conversation) || conversation.AsSpan().Count(',') is < 1 or >= MaxParticipants)
        {
            return false;
        }

        var parts = conversation[1..].Split(',');
        if (Array.Exists(parts, p => p.Length == 0))
        {
            return false;
        }

        keys = parts;
        return true;
    }
}
