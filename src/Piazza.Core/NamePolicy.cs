namespace Piazza.Core;

/// <summary>Room names: 1 to 64 characters, each a letter, a digit, '-', '_' or '.'; compared case-insensitively.</summary>
public static class RoomNamePolicy
{
    public const int MaxLength = 64;

    public static bool IsValid(string? name, out string problem)
    {
        if (string.IsNullOrEmpty(name))
        {
            problem = "a room name is required";
            return false;
        }

        if (name.Length > MaxLength)
        {
            problem = $"room names are at most {MaxLength} characters";
            return false;
        }

        foreach (var rune in name.EnumerateRunes())
        {
            if (!(System.Text.Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-' or '.'))
            {
                problem = "room names may contain only letters, digits, '-', '_' and '.'";
                return false;
            }
        }

        problem = "";
        return true;
    }

    public static string Fold(string name) => name.ToLowerInvariant();
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
