using System.Text;

namespace Piazza.Server.Options;

/// <summary>
/// Writes docs/configuration.md from <see cref="OptionTable"/> (<c>piazza-server configuration-doc</c>); a test fails
/// when the checked-in page differs, so the page cannot drift from the flags.
/// </summary>
public static class ConfigurationDoc
{
    public const string RegenerateCommand = "dotnet run --project src/Piazza.Server -c Release -- configuration-doc > docs/configuration.md";

    private static readonly (string Prefix, string Title)[] Groups =
    [
        ("", "General"),
        ("Network", "Plain doors"),
        ("Tls", "TLS"),
        ("Irc", "IRC door (docs/irc.md)"),
        ("Connections", "Connections (every door)"),
        ("HttpLimits", "HTTP request limits"),
        ("Hub", "Chat rules and flood control"),
        ("Files", "Files"),
        ("Cluster", "Cluster (docs/scale-out.md)"),
        ("Webhooks", "Webhooks (docs/http-api.md)"),
        ("Observability", "Metrics and logs (docs/operations.md)"),
    ];

    public static string Render()
    {
        // An option in a section with no group here would be left off the page without a word.
        if (OptionTable.All.FirstOrDefault(o => !Groups.Any(g => g.Prefix == GroupOf(o))) is { } orphan)
        {
            throw new InvalidOperationException($"{orphan.Flag}: its section has no group in ConfigurationDoc");
        }

        var page = new StringBuilder();
        page.Append("""
            # Server options

            <!-- Generated from src/Piazza.Server/Options/OptionTable.cs; do not edit. Regenerate with:
                 REGENERATE -->

            Every option can be given three ways; the first that is set wins:

            1. a flag: `--max-file-bytes 1000000` (`piazza-server --help` lists them);
            2. an environment variable: `PIAZZA_MAXFILEBYTES=1000000` (the flat name in capitals; the nested form
               `PIAZZA_FILES__MAXFILEBYTES` works too);
            3. `appsettings.json` next to the executable, section `Piazza`, by the full key
               (`{"Piazza": {"Files": {"MaxFileBytes": 1000000}}}`) or the flat one (`{"Piazza": {"MaxFileBytes": 1000000}}`).

            Values are checked at start: an invalid one stops the server with exit code 2 and one line naming the option
            as written and the rule it breaks (`piazza-server: invalid PIAZZA_PORT=70000: must be a port number from 0 to 65535
            (0 picks a free port)`). An unknown key under `Piazza` in appsettings.json, or an unknown `PIAZZA_` variable, is
            a warning line naming it; the server still starts. Durations are seconds (`1.5`) or `hh:mm:ss`; switches are
            `true` or `false` (a switch flag given alone means `true`); lists are comma-separated (or a JSON array).

            """.Replace("REGENERATE", RegenerateCommand, StringComparison.Ordinal).Replace("\r\n", "\n", StringComparison.Ordinal));
        foreach (var (prefix, title) in Groups)
        {
            page.Append($"\n## {title}\n\n| flag | environment | appsettings.json key | default | description | rule |\n|---|---|---|---|---|---|\n");
            foreach (var option in OptionTable.All.Where(o => GroupOf(o) == prefix))
            {
                page.Append($"| `{option.Flag}` | `{option.EnvironmentName}` | `{option.ConfigurationKey}` | {option.DefaultDisplay} | {Escape(option.Description)} | {Escape(option.Rule.Text)} |\n");
            }
        }

        return page.ToString();
    }

    private static string GroupOf(OptionDescriptor option) => option.Path.Contains(':', StringComparison.Ordinal) ? option.Path[..option.Path.IndexOf(':', StringComparison.Ordinal)] : "";

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
