using System.Text.RegularExpressions;

namespace Piazza.UnitTests;

/// <summary>Reads the repository's docs (found by walking up from the test assembly to Piazza.slnx) and their tables.</summary>
internal static partial class RepoDocs
{
    public static string Read(string relativePath)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Piazza.slnx")))
            {
                return File.ReadAllText(Path.Combine(folder.FullName, relativePath));
            }
        }

        throw new InvalidOperationException($"no Piazza.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>The lines of the section under <paramref name="heading"/> (e.g. "### Error codes") up to the next heading.</summary>
    public static IEnumerable<string> Section(string markdown, string heading)
    {
        var lines = markdown.Split('\n');
        var start = Array.FindIndex(lines, line => line.TrimEnd() == heading);
        Assert.True(start >= 0, $"no '{heading}' heading");
        return lines.Skip(start + 1).TakeWhile(line => !line.StartsWith('#'));
    }

    /// <summary>The cells of each table body row in <paramref name="lines"/> (header and separator rows skipped).</summary>
    public static IEnumerable<string[]> TableRows(IEnumerable<string> lines)
    {
        var inBody = false;
        foreach (var line in lines.Select(l => l.Trim()))
        {
            if (!line.StartsWith('|'))
            {
                inBody = false;
                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.All(c => c.Length > 0 && c.All(ch => ch is '-' or ':')))
            {
                inBody = true;
            }
            else if (inBody)
            {
                yield return cells;
            }
        }
    }

    /// <summary>The wire names in backticks in a cell (<c>`bad_name`</c>), not other code spans such as headers.</summary>
    public static IEnumerable<string> WireNamesIn(string cell)
        => WireName().Matches(cell).Select(m => m.Groups[1].Value);

    [GeneratedRegex("`([a-z]+(?:_[a-z]+)*)`")]
    private static partial Regex WireName();
}
