using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Piazza.Server.Options;

/// <summary>The options as bound, and the keys that named no option (each a warning line).</summary>
public sealed record BoundOptions(PiazzaOptions Options, IReadOnlyList<string> Warnings);

/// <summary>
/// Binds <see cref="PiazzaOptions"/> from the <c>Piazza</c> section by <see cref="OptionTable"/>: for each option the
/// latest source that has it wins (flags over <c>PIAZZA_*</c> over appsettings.json), under its full key
/// (<c>Piazza:Files:MaxFileBytes</c>) or its short one (<c>Piazza:MaxFileBytes</c>, what <c>PIAZZA_MAXFILEBYTES</c> becomes).
/// A value that does not parse or breaks its rule fails the start, named as it was written.
/// </summary>
public static class OptionBinder
{
    private static readonly NullabilityInfoContext Nullability = new();

    /// <exception cref="OptionsValidationException">Some value is invalid; each failure is one sentence.</exception>
    public static BoundOptions Bind(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new PiazzaOptions();
        var failures = new List<string>();
        var latestFirst = configuration.Providers.Reverse().ToArray();
        foreach (var option in OptionTable.All)
        {
            foreach (var provider in latestFirst)
            {
                if (Find(provider, option) is not { } found)
                {
                    continue;
                }

                var (key, raw) = found;

                if (!TryRead(option, raw, out var value))
                {
                    failures.Add($"invalid {Written(provider, option, key, raw)}: {option.KindText}");
                }
                else if (value is not null && !option.Rule.Holds(value))
                {
                    failures.Add($"invalid {Written(provider, option, key, raw)}: {option.Rule.Text}");
                }
                else
                {
                    option.SetOnFresh(options, value);
                }

                break;
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(PiazzaOptions.SectionName, typeof(PiazzaOptions), failures);
        }

        return new BoundOptions(options, latestFirst.SelectMany(UnknownKeys).ToList());
    }

    /// <summary>Whether a key under <c>Piazza:</c> names an option (full or short form; a list's <c>:0</c> items too).</summary>
    public static bool IsKnownKey(string key)
    {
        var path = key[(PiazzaOptions.SectionName.Length + 1)..];
        var lastColon = path.LastIndexOf(':');
        if (lastColon > 0 && path[(lastColon + 1)..].All(char.IsAsciiDigit))
        {
            path = path[..lastColon];
        }

        return OptionTable.All.Any(o => string.Equals(o.Path, path, StringComparison.OrdinalIgnoreCase) || string.Equals(o.Name, path, StringComparison.OrdinalIgnoreCase));
    }

    private static (string Key, string Raw)? Find(IConfigurationProvider provider, OptionDescriptor option)
    {
        foreach (var key in new[] { option.ConfigurationKey, option.ShortConfigurationKey })
        {
            if (provider.TryGet(key, out var raw) && raw is not null)
            {
                return (key, raw);
            }

            // A list written as items (appsettings.json array, PIAZZA_ALLOWEDORIGINS__0) reads as "a,b".
            if (option.Kind == OptionKind.List && provider.GetChildKeys([], key).Distinct().ToList() is { Count: > 0 } items)
            {
                var values = items.Select(i => provider.TryGet($"{key}:{i}", out var item) ? item : null).OfType<string>();
                return (key, string.Join(",", values));
            }
        }

        return null;
    }

    private static bool TryRead(OptionDescriptor option, string raw, out object? value)
    {
        // An empty value of an optional text (e.g. PIAZZA_TLSCERT=) means "not set".
        if (option.Kind == OptionKind.Text && raw.Length == 0 && Nullability.Create(option.Property).WriteState == NullabilityState.Nullable)
        {
            value = null;
            return true;
        }

        return option.TryParse(raw, out value);
    }

    /// <summary>The value as the operator wrote it: <c>--port 70000</c>, <c>PIAZZA_PORT=70000</c>, <c>Piazza:Port=70000 in appsettings.json</c>.</summary>
    private static string Written(IConfigurationProvider provider, OptionDescriptor option, string key, string raw) => provider switch
    {
        LabeledProvider { Origin: OptionOrigin.CommandLine } => $"{option.Flag} {raw}",
        LabeledProvider { Origin: OptionOrigin.Environment } environment => $"{environment.OriginalName(key)}={raw}",
        FileConfigurationProvider file => $"{key}={raw} in {FileName(file)}",
        _ => $"{key}={raw}",
    };

    private static IEnumerable<string> UnknownKeys(IConfigurationProvider provider)
    {
        if (provider is not (LabeledProvider or FileConfigurationProvider))
        {
            return [];
        }

        return Leaves(provider, PiazzaOptions.SectionName).Where(key => key.Contains(':', StringComparison.Ordinal) && !IsKnownKey(key)).Select(key => provider switch
        {
            LabeledProvider { Origin: OptionOrigin.Environment } environment => $"unknown environment variable {environment.OriginalName(key)} (ignored)",
            FileConfigurationProvider file => $"unknown configuration key {key} in {FileName(file)} (ignored)",
            _ => $"unknown configuration key {key} (ignored)",
        });
    }

    private static string? FileName(FileConfigurationProvider file)
        => file.Source.Path is { } path ? file.Source.FileProvider?.GetFileInfo(path).PhysicalPath ?? path : null;

    private static IEnumerable<string> Leaves(IConfigurationProvider provider, string path)
    {
        var children = provider.GetChildKeys([], path).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (children.Count == 0)
        {
            return provider.TryGet(path, out _) ? [path] : [];
        }

        return children.SelectMany(child => Leaves(provider, $"{path}:{child}"));
    }
}
