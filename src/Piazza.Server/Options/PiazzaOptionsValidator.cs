using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Piazza.Server.Options;

/// <summary>
/// The rules between options (a key needs its certificate; some native door must be on) and, for options made in
/// code, each option's own rule. Run when the host is built and again by <c>ValidateOnStart</c>.
/// </summary>
public sealed class PiazzaOptionsValidator : IValidateOptions<PiazzaOptions>
{
    public ValidateOptionsResult Validate(string? name, PiazzaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var option in OptionTable.All)
        {
            if (option.Get(options) is { } value && !option.Rule.Holds(value))
            {
                failures.Add($"invalid {option.Flag} {OptionDescriptor.Format(value)}: {option.Rule.Text}");
            }
        }

        var tls = options.Tls;
        if (tls.Key is not null && tls.Cert is null)
        {
            failures.Add("--tls-key needs --tls-cert");
        }

        if (tls.Cert is not null && tls.Key is null)
        {
            failures.Add("--tls-cert needs --tls-key (the PEM private key file)");
        }

        failures.AddRange(Cluster.ClusterSettings.Problems(options.Cluster));
        if (!options.Network.PlainTcp && !tls.Enabled)
        {
            failures.Add("--plain-tcp false leaves no native door: give --tls-cert/--tls-key or --dev-tls");
        }

        // Two doors on one port would fail the start with "address already in use" from the second bind.
        foreach (var shared in options.DoorPorts().Where(d => d.Port != 0).GroupBy(d => d.Port).Where(g => g.Count() > 1))
        {
            failures.Add($"{string.Join(" and ", shared.Select(d => $"{d.Flag} {d.Port}"))} are the same port: give each door its own");
        }

        if (options.Files.Dir is { Length: > 0 } filesDir && FilesFolderProblem(filesDir) is { } problem)
        {
            failures.Add($"--files-dir {filesDir}: {problem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Why the files folder cannot be used: it cannot be created (owner-only), or this user cannot write in it; null when it can.</summary>
    private static string? FilesFolderProblem(string folder)
    {
        try
        {
            DataFolder.CreateFolder(folder);
            var probe = Path.Combine(folder, $".piazza-write-check-{Guid.NewGuid():N}");
            DataFolder.CreateFile(probe).Dispose();
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return $"must be a folder this user can create or write in ({ex.Message})";
        }
    }
}

/// <summary>Hands out the options bound from the table (records cannot be built by the default factory) after validating them.</summary>
internal sealed class BoundOptionsFactory(PiazzaOptions bound, IEnumerable<IValidateOptions<PiazzaOptions>> validators) : IOptionsFactory<PiazzaOptions>
{
    public PiazzaOptions Create(string name)
    {
        var failures = validators.Select(v => v.Validate(name, bound)).Where(r => r.Failed).SelectMany(r => r.Failures ?? []).ToList();
        return failures.Count == 0 ? bound : throw new OptionsValidationException(name, typeof(PiazzaOptions), failures);
    }
}

internal static class PiazzaOptionsServices
{
    /// <summary>
    /// Registers the bound options through Microsoft.Extensions.Options (validated on start) and each part on its own,
    /// so a door asks only for the part it reads (<see cref="FilesOptions"/>, <see cref="ConnectionOptions"/>, …).
    /// </summary>
    public static IServiceCollection AddPiazzaOptions(this IServiceCollection services, PiazzaOptions bound)
    {
        services.AddSingleton<IValidateOptions<PiazzaOptions>, PiazzaOptionsValidator>();
        services.AddSingleton<IOptionsFactory<PiazzaOptions>>(sp => new BoundOptionsFactory(bound, sp.GetServices<IValidateOptions<PiazzaOptions>>()));
        services.AddOptions<PiazzaOptions>().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<PiazzaOptions>>().Value);
        services.AddSingleton(sp => sp.GetRequiredService<PiazzaOptions>().Network);
        services.AddSingleton(sp => sp.GetRequiredService<PiazzaOptions>().Tls);
        services.AddSingleton(sp => sp.GetRequiredService<PiazzaOptions>().Connections);
        services.AddSingleton(sp => sp.GetRequiredService<PiazzaOptions>().HttpLimits);
        services.AddSingleton(sp => sp.GetRequiredService<PiazzaOptions>().Hub);
        services.AddSingleton(sp => sp.GetRequiredService<PiazzaOptions>().Files);
        return services;
    }
}
