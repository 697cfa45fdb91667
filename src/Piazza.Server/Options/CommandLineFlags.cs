using System.CommandLine;
using System.CommandLine.Parsing;

namespace Piazza.Server.Options;

/// <summary>
/// The command-line flags, made from <see cref="OptionTable"/>. Every flag takes its value as text and becomes a
/// configuration key, so a flag, a <c>PIAZZA_*</c> variable and an appsettings.json key are parsed and checked by
/// the same code (<see cref="OptionBinder"/>) and name their problems the same way.
/// </summary>
public sealed class CommandLineFlags
{
    private readonly List<(OptionDescriptor Descriptor, Option<string?> Flag)> _flags;

    public CommandLineFlags()
    {
        _flags = OptionTable.All.Select(d => (d, new Option<string?>(d.Flag)
        {
            Description = $"{d.Description} (default {d.DefaultDisplay}; env {d.EnvironmentName})",
            HelpName = d.HelpName,

            // A switch given alone means true: `--dev-tls` as well as `--dev-tls true`.
            Arity = d.Kind == OptionKind.Switch ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
        })).ToList();
    }

    public IEnumerable<Option<string?>> All => _flags.Select(f => f.Flag);

    /// <summary>The flag of one option, e.g. for a subcommand that shares <c>--data</c>.</summary>
    public Option<string?> this[string flag] => _flags.Single(f => f.Descriptor.Flag == flag).Flag;

    /// <summary>The flags given on this command line, as <c>Piazza:Group:Name</c> keys.</summary>
    public Dictionary<string, string?> ToConfiguration(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (descriptor, flag) in _flags)
        {
            if (parse.GetResult(flag) is OptionResult { Implicit: false } given)
            {
                keys[descriptor.ConfigurationKey] = given.Tokens.Count == 0 ? "true" : given.Tokens[0].Value;
            }
        }

        return keys;
    }
}
