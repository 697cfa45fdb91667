namespace Piazza.Core.Tokens;

/// <summary>
/// What a token allows (docs/protocol.md, "Tokens, sessions and bots"). Named tokens carry some of <see cref="Read"/>,
/// <see cref="Send"/> and <see cref="Moderate"/>; a password session has them all and <see cref="Account"/> too
/// (managing tokens and sessions, changing the password). A token never exceeds its account: the usual rules still apply.
/// </summary>
[Flags]
public enum TokenScope
{
    None = 0,

    /// <summary>History, search, room lists, who, pins, versions.</summary>
    Read = 1,

    /// <summary>Send, edit and delete one's own messages, react, read markers, join and leave, typing, away, topic.</summary>
    Send = 2,

    /// <summary>Moderation actions where the account has the role (kick, ban, mute, op, pins, invitations, room settings).</summary>
    Moderate = 4,

    /// <summary>Only a password session: tokens, sessions, password. No named token has it.</summary>
    Account = 8,

    /// <summary>Every scope a named token can have.</summary>
    AllNamed = Read | Send | Moderate,

    /// <summary>A session opened with a password (and its session token).</summary>
    Session = AllNamed | Account,
}

/// <summary>The words of scopes on the wire and in the store (<c>read</c>, <c>send</c>, <c>moderate</c>), comma-joined.</summary>
public static class TokenScopes
{
    private static readonly (TokenScope Scope, string Word)[] Words = [(TokenScope.Read, "read"), (TokenScope.Send, "send"), (TokenScope.Moderate, "moderate")];

    /// <summary>The scope words, in order (e.g. ["read", "send"]).</summary>
    public static IReadOnlyList<string> ToWords(TokenScope scopes) => [.. Words.Where(w => (scopes & w.Scope) != 0).Select(w => w.Word)];

    /// <summary>The stored form: <c>read,send</c>; null for a session (every scope).</summary>
    public static string Format(TokenScope scopes) => string.Join(',', ToWords(scopes));

    /// <summary>The stored form read back; null (a session token) is <see cref="TokenScope.Session"/>.</summary>
    public static TokenScope FromStored(string? stored)
        => stored is null ? TokenScope.Session : TryParse(stored.Split(','), out var scopes, out _) ? scopes : TokenScope.None;

    /// <summary>Parses scope words (at least one, each known); false with the problem otherwise.</summary>
    public static bool TryParse(IEnumerable<string>? words, out TokenScope scopes, out string problem)
    {
        scopes = TokenScope.None;
        problem = "";
        foreach (var word in words ?? [])
        {
            var match = Array.Find(Words, w => string.Equals(w.Word, word?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (match.Word is null)
            {
                problem = $"unknown scope '{word}'; scopes are read, send and moderate";
                return false;
            }

            scopes |= match.Scope;
        }

        if (scopes == TokenScope.None)
        {
            problem = "a token needs at least one scope: read, send or moderate";
            return false;
        }

        return true;
    }
}
