namespace Piazza.Tui;

/// <summary>
/// Tab in the input line, as in irssi: the word before the cursor completed to a name of the conversation (with
/// <c>": "</c> after it at the start of a line) or, after a leading '/', to a command. Several candidates complete
/// to what they share; a word that completes to nothing leaves Tab to move the focus.
/// </summary>
internal static class InputCompletion
{
    /// <summary>The input with the word before <paramref name="cursor"/> completed, and the new cursor; null when nothing completes.</summary>
    public static (string Text, int Cursor)? Complete(string text, int cursor, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(names);
        cursor = Math.Clamp(cursor, 0, text.Length);
        var start = text.LastIndexOf(' ', Math.Max(cursor - 1, 0)) + 1;
        if (cursor == 0 || start >= cursor)
        {
            return null;
        }

        var word = text[start..cursor];
        var command = start == 0 && word.StartsWith('/');
        var typed = command ? word[1..] : word.TrimStart('@');
        var candidates = (command ? CommandCatalog.All.Select(c => c.Name) : names)
            .Where(n => typed.Length > 0 && n.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        // Several candidates complete to what they share; Tab is taken even when that adds nothing, so that it does
        // not move the focus away in the middle of a name.
        var completed = candidates.Count == 1 ? candidates[0] : SharedStart(candidates);
        if (completed.Length < typed.Length)
        {
            completed = typed;
        }

        var prefix = word[..(word.Length - typed.Length)];
        var suffix = candidates.Count > 1 ? "" : command || start > 0 ? " " : ": ";
        var replacement = prefix + completed + suffix;
        return (text[..start] + replacement + text[cursor..], start + replacement.Length);
    }

    private static string SharedStart(List<string> words)
    {
        var length = words.Min(w => w.Length);
        for (var i = 0; i < length; i++)
        {
            if (words.Any(w => char.ToLowerInvariant(w[i]) != char.ToLowerInvariant(words[0][i])))
            {
                return words[0][..i];
            }
        }

        return words[0][..length];
    }
}
