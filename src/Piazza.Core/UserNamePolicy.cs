using System.Text;

namespace Piazza.Core;

/// <summary>
/// Rules for user names: 1 to 32 characters, each a letter, a digit, '_', '-' or '.'; unique
/// case-insensitively (compared by <see cref="Fold"/>); a few names are reserved for the system.
/// </summary>
public static class UserNamePolicy
{
    public const int MaxLength = 32;

    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "server", "system", "admin", "administrator", "root", "operator", "moderator", "piazza",
        "nobody", "everyone", "all", "here", "channel", "nickserv", "chanserv",
    };

    /// <summary>Checks a requested name; on failure <paramref name="problem"/> says why in words a user understands.</summary>
    public static bool IsValid(string? name, out string problem)
    {
        if (string.IsNullOrEmpty(name))
        {
            problem = "a user name is required";
            return false;
        }

        if (!name.IsNormalized(NormalizationForm.FormC))
        {
            problem = "the name must be in Unicode normal form C";
            return false;
        }

        var length = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            length++;
            if (!(Rune.IsLetterOrDigit(rune) || rune.Value is '_' or '-' or '.'))
            {
                problem = "names may contain only letters, digits, '_', '-' and '.'";
                return false;
            }
        }

        if (length > MaxLength)
        {
            problem = $"names are at most {MaxLength} characters";
            return false;
        }

        if (Reserved.Contains(Fold(name)))
        {
            problem = $"'{name}' is reserved";
            return false;
        }

        problem = "";
        return true;
    }

    /// <summary>The form under which names are compared for uniqueness.</summary>
    public static string Fold(string name) => name.ToLowerInvariant();
}
