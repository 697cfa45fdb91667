using System.Text;
using Piazza.Protocol;

namespace Piazza.Core.Conversations;

/// <summary>
/// The one check of a private conversation id a user names (<c>history</c> <c>room</c>, <c>hello</c> <c>resume</c>,
/// REST <c>/api/rooms/@a,b/messages</c>): it must be the id the server itself would make, <c>@a,b</c> with two
/// identity keys, folded, in ordinal order, one of them the asker's. Anything else is refused, so one conversation
/// has exactly one id and no made-up spelling can reach the store or the cache.
/// </summary>
public static class DirectConversationIdRule
{
    /// <summary>Longest identity key accepted: a name of 32 runes (up to 64 UTF-16 units), '~' and a guest's suffix.</summary>
    private const int MaxKeyLength = 128;

    /// <summary>
    /// The id when it is canonical and <paramref name="askerKey"/> takes part in it; otherwise <c>bad_request</c>
    /// (not an id as the server writes them) or <c>forbidden</c> (a well-formed id of two other identities).
    /// </summary>
    public static HubResult<string> Check(string id, string askerKey)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(askerKey);
        if (!DirectConversationId.TryParse(id, out var first, out var second)
            || !IsIdentityKey(first, askerKey) || !IsIdentityKey(second, askerKey)
            || DirectConversationId.For(first, second) != id)
        {
            return new HubError(ErrorCode.BadRequest, "a private conversation id is '@' and the two participants' keys, folded (lower case), in ordinal order, separated by a comma, as the server sends it in \"room\"");
        }

        return first == askerKey || second == askerKey
            ? HubResult<string>.Ok(id)
            : new HubError(ErrorCode.Forbidden, "that conversation is not yours");
    }

    /// <summary>
    /// Whether <paramref name="key"/> is an identity key as the server makes them: the asker's own (whatever its
    /// form), an account's folded name, or '~' and a guest's folded name, which may be followed by a suffix that
    /// keeps guest identities apart (printable ASCII other than ',' and '@').
    /// </summary>
    public static bool IsIdentityKey(string key, string askerKey)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key == askerKey)
        {
            return true;
        }

        if (key.Length is 0 or > MaxKeyLength)
        {
            return false;
        }

        if (key[0] != '~')
        {
            return UserNamePolicy.IsValid(key, out _) && UserNamePolicy.Fold(key) == key;
        }

        var name = NamePrefix(key[1..]);
        var suffix = key[(1 + name.Length)..];
        return name.Length > 0 && UserNamePolicy.Fold(name) == name
            && UnicodeHygiene.CheckNameCharacters(name, "names", out _)
            && suffix.All(c => c is > ' ' and < '\u007f' and not (',' or '@'));
    }

    /// <summary>The leading run of name characters (letters, digits, '_', '-', '.').</summary>
    private static string NamePrefix(string text)
    {
        var length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!(Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-' or '.'))
            {
                break;
            }

            length += rune.Utf16SequenceLength;
        }

        return text[..length];
    }
}
