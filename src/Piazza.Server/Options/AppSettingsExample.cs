using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Piazza.Server.Options;

/// <summary>
/// Writes deploy/appsettings.example.json from <see cref="OptionTable"/> (<c>piazza-server appsettings-example</c>): every
/// option at its full key with its default and, in a comment, its flag and description. A test fails when the
/// checked-in file differs, and another binds it, so the example can neither drift nor hold a key the server refuses.
/// </summary>
public static class AppSettingsExample
{
    public const string RegenerateCommand = "dotnet run --project src/Piazza.Server -c Release -- appsettings-example > deploy/appsettings.example.json";

    /// <summary>The page, with "\n" line ends. Comments are allowed in appsettings.json (the JSON provider skips them).</summary>
    public static string Render()
    {
        var text = new StringBuilder();
        text.Append("// Every Piazza option at its default (docs/configuration.md has the rules). Copy this file next to the\n")
            .Append("// executable as appsettings.json, keep what you change and delete the rest: flags and PIAZZA_* variables win over it.\n")
            .Append("// Options with no default value are commented out. Generated from src/Piazza.Server/Options/OptionTable.cs; regenerate with:\n")
            .Append("//   ").Append(RegenerateCommand).Append('\n')
            .Append("{\n");
        WriteGroup(text, [PiazzaOptions.SectionName], [.. OptionTable.All], 1);
        text.Append("}\n");
        return text.ToString();
    }

    private static void WriteGroup(StringBuilder text, string[] path, IReadOnlyList<OptionDescriptor> options, int depth)
    {
        var indent = new string(' ', depth * 2);

        // A group of options with no default (Cluster) is commented out whole: an empty object reads as an unknown key.
        var open = options.All(o => o.Get(new PiazzaOptions()) is null) ? "// " : "";
        text.Append(indent).Append(open).Append(Quote(path[^1])).Append(": {\n");

        // Members in the table's order; a nested group sits where its first option is, with all its options together.
        var members = new List<string>();
        foreach (var option in options)
        {
            var segment = option.Path.Split(':')[path.Length - 1];
            if (!members.Contains(segment, StringComparer.Ordinal))
            {
                members.Add(segment);
            }
        }

        var written = 0;
        foreach (var segment in members)
        {
            var inGroup = options.Where(o => o.Path.Split(':')[path.Length - 1] == segment).ToList();
            var separator = ++written < members.Count ? "," : "";
            if (inGroup is [var option] && option.Path.Split(':').Length == path.Length)
            {
                WriteOption(text, indent + "  ", option, separator);
            }
            else
            {
                WriteGroup(text, [.. path, segment], inGroup, depth + 1);
                text.Append(separator).Append('\n');
            }
        }

        text.Append(indent).Append(open).Append('}');
        if (depth == 1)
        {
            text.Append('\n');
        }
    }

    private static void WriteOption(StringBuilder text, string indent, OptionDescriptor option, string separator)
    {
        var description = option.DefaultText is { } shown ? $"{option.Description} (default: {shown})" : option.Description;
        text.Append(indent).Append("// ").Append(option.Flag).Append(": ").Append(description.ReplaceLineEndings(" ")).Append('\n');
        var key = option.Path[(option.Path.LastIndexOf(':') + 1)..];
        var value = option.Get(new PiazzaOptions());

        // A JSON null would be read as an empty value, which a switch such as Console refuses: leave such keys out.
        text.Append(indent).Append(value is null ? "// " : "").Append(Quote(key)).Append(": ").Append(Json(value, option.HelpName)).Append(separator).Append('\n');
    }

    private static string Json(object? value, string placeholder) => value switch
    {
        null => Quote($"<{placeholder}>"),
        bool b => b ? "true" : "false",
        string s => Quote(s),
        TimeSpan span => span.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        IEnumerable<string> list => $"[{string.Join(", ", list.Select(Quote))}]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"no JSON form for {value.GetType()}"),
    };

    // Relaxed escaping: the file is read by people and by the JSON provider, never embedded in HTML.
    private static string Quote(string text) => $"\"{JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";
}
