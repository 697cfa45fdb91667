using System.Text;
using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>
/// Rules for user names: taken in Unicode NFC; 1 to 32 characters, each a letter, a digit, '_', '-' or '.' (so no
/// control, direction or invisible characters); unique case-insensitively (compared by <see cref="Fold"/>); a few
/// names are reserved for the system. New names must also pass <see cref="IsAcceptableNew"/>.
/// </summary>
public static class UserNamePolicy
{
    public const int MaxLength = NameSyntax.MaxUserLength;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "server", "system", "admin", "administrator", "root", "operator", "moderator", "piazza",
        "nobody", "everyone", "all", "here", "channel", "nickserv", "chanserv",
    };

    // Look-alikes of the reserved names of 4 letters or more: "all" would otherwise refuse the common name "Ali".
    private static readonly HashSet<string> ReservedSkeletons = new(Reserved.Where(r => r.Length >= 4).Select(NameSkeleton.Of), StringComparer.Ordinal);

    /// <summary>The form a name is used in (NFC): what the user typed, composed.</summary>
    public static string Normalize(string name) => UnicodeHygiene.Normalize(name, NormalizationForm.FormC);

    /// <summary>
    /// Checks a name (after <see cref="Normalize"/>) for use, including logging in to an existing account; on failure
    /// <paramref name="problem"/> says why in words a user understands.
    /// </summary>
    public static bool IsValid(string? name, out string problem)
    {
        if (!NameSyntax.CheckUserName(name, out problem))
        {
            return false;
        }

        name = Normalize(name!);
        if (Reserved.Contains(Fold(name)))
        {
            problem = $"'{name}' is reserved";
            return false;
        }

        problem = "";
        return true;
    }

    /// <summary>
    /// The stricter rules for a name being taken now (register, guest hello): valid, letters from at most one of
    /// Latin/Greek/Cyrillic, and no look-alike of a reserved name. Existing accounts are not held to them.
    /// </summary>
    public static bool IsAcceptableNew(string? name, out string problem)
    {
        if (!IsValid(name, out problem) || !UnicodeHygiene.CheckSingleLookAlikeScript(Normalize(name!), "names", out problem))
        {
            return false;
        }

        if (LooksReserved(name!))
        {
            problem = $"'{name}' looks like a reserved name";
            return false;
        }

        return true;
    }

    /// <summary>
    /// A reserved name with separators added (<c>server.</c>, <c>_root</c>, <c>ad-min</c>) or, for those of 4 letters
    /// or more, a look-alike of one (<c>adm1n</c>): '.', '_' and '-' are dropped before comparing, as a reader skips them.
    /// </summary>
    private static bool LooksReserved(string name)
    {
        var bare = string.Concat(Normalize(name).Where(c => c is not ('.' or '_' or '-')));
        return bare.Length > 0 && (Reserved.Contains(Fold(bare)) || ReservedSkeletons.Contains(NameSkeleton.Of(bare)));
    }

    /// <summary>The form under which names are compared for uniqueness: NFC, invariant lower case.</summary>
    public static string Fold(string name) => Normalize(name).ToLowerInvariant();
}
