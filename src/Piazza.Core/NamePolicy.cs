namespace Piazza.Core;

/// <summary>
/// Room names: taken in Unicode NFC; 1 to 64 characters, each a letter, a digit, '-', '_' or '.' (so no control,
/// direction or invisible characters); compared case-insensitively. New rooms must also pass <see cref="IsAcceptableNew"/>.
/// </summary>
public static class RoomNamePolicy
{
    public const int MaxLength = 64;

    /// <summary>The form a room name is used in (NFC).</summary>
    public static string Normalize(string name) => UnicodeHygiene.Normalize(name, System.Text.NormalizationForm.FormC);

    public static bool IsValid(string? name, out string problem)
    {
        if (string.IsNullOrEmpty(name))
        {
            problem = "a room name is required";
            return false;
        }

        if (UnicodeHygiene.HasUnpairedSurrogate(name))
        {
            problem = "the room name is not valid Unicode";
            return false;
        }

        name = Normalize(name);
        if (name.Length > MaxLength)
        {
            problem = $"room names are at most {MaxLength} characters";
            return false;
        }

        return UnicodeHygiene.CheckNameCharacters(name, "room names", out problem);
    }

    /// <summary>The stricter rules for creating a room: valid, and letters from at most one of Latin/Greek/Cyrillic.</summary>
    public static bool IsAcceptableNew(string? name, out string problem)
        => IsValid(name, out problem) && UnicodeHygiene.CheckSingleLookAlikeScript(Normalize(name!), "room names", out problem);

    /// <summary>The key a room is stored and found under: NFC, invariant lower case.</summary>
    public static string Fold(string name) => Normalize(name).ToLowerInvariant();
}

/// <summary>
/// Private conversation ids: <c>@a,b</c> with the two participants' identity keys in ordinal order, so both sides
/// name it alike. A guest's identity key is its folded name prefixed with '~', so a later account of the same name
/// never sees a guest's conversations.
/// </summary>
public static class DirectConversationId
{
    public static string For(string keyA, string keyB)
        => string.CompareOrdinal(keyA, keyB) <= 0 ? $"@{keyA},{keyB}" : $"@{keyB},{keyA}";

    public static bool IsDirect(string conversation) => conversation.StartsWith('@');

    /// <summary>The two identity keys of a private conversation id, or false when it is not one.</summary>
    public static bool TryParse(string conversation, out string first, out string second)
    {
        first = second = "";
        if (!IsDirect(conversation))
        {
            return false;
        }

        var comma = conversation.IndexOf(',', StringComparison.Ordinal);
        if (comma < 2 || comma == conversation.Length - 1)
        {
            return false;
        }

        first = conversation[1..comma];
        second = conversation[(comma + 1)..];
        return true;
    }
}
