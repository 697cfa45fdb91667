using Microsoft.Extensions.Configuration;

namespace Piazza.Server.Options;

/// <summary>Where a configuration value came from, so a bad one is named the way the operator wrote it.</summary>
public enum OptionOrigin
{
    /// <summary>Flags, or keys a program hands to <see cref="PiazzaHost.Build"/> (tests, the admin commands).</summary>
    CommandLine,

    /// <summary><c>PIAZZA_*</c> environment variables.</summary>
    Environment,
}

/// <summary>In-memory configuration that remembers its origin and, for variables, each key's original name.</summary>
internal sealed class LabeledSource(OptionOrigin origin, IDictionary<string, string?> data, IReadOnlyDictionary<string, string>? originalNames = null)
    : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new LabeledProvider(origin, data, originalNames);

    /// <summary>Maps <c>PIAZZA_PORT=7171</c> to <c>Piazza:PORT</c> and <c>PIAZZA_TLS__PORT</c> to <c>Piazza:TLS:PORT</c> (keys are case-insensitive).</summary>
    public static LabeledSource FromEnvironment()
    {
        const string Prefix = "PIAZZA_";
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (System.Collections.DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) && name.Length > Prefix.Length
                && !OptionTable.OtherVariables.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                var key = $"{PiazzaOptions.SectionName}:{name[Prefix.Length..].Replace("__", ":", StringComparison.Ordinal)}";
                settings[key] = entry.Value as string;
                names[key] = name;
            }
        }

        return new LabeledSource(OptionOrigin.Environment, settings, names);
    }
}

internal sealed class LabeledProvider : ConfigurationProvider
{
    private readonly IReadOnlyDictionary<string, string>? _originalNames;

    public LabeledProvider(OptionOrigin origin, IDictionary<string, string?> data, IReadOnlyDictionary<string, string>? originalNames)
    {
        Origin = origin;
        _originalNames = originalNames;
        foreach (var (key, value) in data)
        {
            Data[key] = value;
        }
    }

    public OptionOrigin Origin { get; }

    /// <summary>The variable a key came from (<c>PIAZZA_PORT</c>), or the key itself.</summary>
    public string OriginalName(string key) => _originalNames is not null && _originalNames.TryGetValue(key, out var name) ? name : key;
}
