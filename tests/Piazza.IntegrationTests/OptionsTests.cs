using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server;
using Piazza.Server.Options;

namespace Piazza.IntegrationTests;

/// <summary>
/// Options defined once (Options/OptionTable.cs): bad values stop the real executable with one line naming them,
/// unknown keys warn, flags beat the environment which beats appsettings.json, and --help and docs/configuration.md
/// are made from the same table.
/// </summary>
public class OptionsTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--max-file-bytes", "-5", "invalid --max-file-bytes -5: must be 0 or more")]
    [InlineData("--port", "70000", "invalid --port 70000: must be a port number from 0 to 65535")]
    [InlineData("--idle-timeout", "soon", "invalid --idle-timeout soon: must be a number of seconds")]
    [InlineData("--allow-guests", "maybe", "invalid --allow-guests maybe: must be true or false")]
    public async Task An_invalid_flag_exits_nonzero_with_one_line_naming_it(string flag, string value, string expected)
    {
        var (exitCode, stderr, _) = await RunToExitAsync(ServerProcess.Describe(flag, value, "--data", TempData()));

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("piazza-server: " + expected, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PIAZZA_PORT", "70000", "invalid PIAZZA_PORT=70000: must be a port number from 0 to 65535")]
    [InlineData("PIAZZA_MAXFILEBYTES", "-5", "invalid PIAZZA_MAXFILEBYTES=-5: must be 0 or more")]
    [InlineData("PIAZZA_HUB__FLOOD__MESSAGEBURST", "0", "invalid PIAZZA_HUB__FLOOD__MESSAGEBURST=0: must be 1 or more")]
    public async Task An_invalid_environment_variable_exits_nonzero_with_one_line_naming_it(string variable, string value, string expected)
    {
        var info = ServerProcess.Describe("--data", TempData());
        info.Environment[variable] = value;
        var (exitCode, stderr, _) = await RunToExitAsync(info);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("piazza-server: " + expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_invalid_values_still_make_one_line()
    {
        var info = ServerProcess.Describe("--max-file-bytes", "-5", "--data", TempData());
        info.Environment["PIAZZA_PORT"] = "70000";
        var (exitCode, stderr, _) = await RunToExitAsync(info);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("PIAZZA_PORT=70000", line, StringComparison.Ordinal);
        Assert.Contains("--max-file-bytes -5", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_PIAZZA_variable_is_a_warning_and_the_server_still_starts()
    {
        var info = ServerProcess.Describe("--port", "0", "--bind", "127.0.0.1", "--data", TempData());
        info.Environment["PIAZZA_MAXFILEBYTE"] = "1000";
        info.Environment[Piazza.Server.Admin.AdminCommands.PasswordVariable] = "not an option, no warning";
        using var process = Process.Start(info)!;
        try
        {
            _ = process.StandardError.ReadToEndAsync();
            var lines = new List<string>();
            while (lines.LastOrDefault()?.Contains("listening on tcp://", StringComparison.Ordinal) != true)
            {
                lines.Add(await process.StandardOutput.ReadLineAsync().WaitAsync(ProcessTimeout)
                    ?? throw new InvalidOperationException("the server exited: " + string.Join('\n', lines)));
            }

            var warning = Assert.Single(lines, l => l.Contains("unknown", StringComparison.Ordinal));
            Assert.Contains("warn", warning, StringComparison.Ordinal);
            Assert.Contains("unknown environment variable PIAZZA_MAXFILEBYTE (ignored)", warning, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }
    }

    [Fact]
    public async Task An_unknown_appsettings_key_is_a_warning_and_known_keys_in_either_form_apply()
    {
        var root = Directory.CreateTempSubdirectory("piazza-settings-").FullName;
        var data = Path.Combine(root, "data");
        await File.WriteAllTextAsync(Path.Combine(root, "appsettings.json"), """
            { "Piazza": { "Motd": "from the file", "Files": { "MaxFileBytes": 1234, "MaxFileByte": 9 }, "Colour": "blue" } }
            """);
        var log = new CapturedLog();
        var app = PiazzaHost.Build(
            new Dictionary<string, string?> { ["Piazza:Data"] = data, ["Piazza:Console"] = "false", ["Piazza:Port"] = "0", ["Piazza:HttpPort"] = "-1", ["Piazza:IrcPort"] = "-1", ["Piazza:Bind"] = "127.0.0.1" },
            logging =>
            {
                logging.ClearProviders();
                logging.AddProvider(log);
            },
            contentRoot: root);
        await using (app)
        {
            var options = app.Services.GetRequiredService<PiazzaOptions>();
            Assert.Equal("from the file", options.Hub.Motd);
            Assert.Equal(1234, options.Files.MaxFileBytes);

            // The core's records are the nested ones themselves, not copies made from flattened properties.
            Assert.Same(options.Hub, app.Services.GetRequiredService<ChatHubOptions>());
            Assert.Same(options.Files, app.Services.GetRequiredService<FilesOptions>());

            var file = Path.Combine(root, "appsettings.json");
            Assert.Contains($"unknown configuration key Piazza:Files:MaxFileByte in {file} (ignored)", log.Lines);
            Assert.Contains($"unknown configuration key Piazza:Colour in {file} (ignored)", log.Lines);
            Assert.Equal(2, log.Lines.Count(l => l.StartsWith("unknown", StringComparison.Ordinal)));
        }

        Directory.Delete(root, recursive: true);
    }

    [Fact]
    public void Flags_win_over_the_environment_which_wins_over_appsettings()
    {
        var json = Path.Combine(Directory.CreateTempSubdirectory("piazza-settings-").FullName, "appsettings.json");
        File.WriteAllText(json, """{ "Piazza": { "Port": 1001, "HttpPort": 1002, "Network": { "Bind": "127.0.0.1" }, "PublicOrigins": [ "https://a.example", "https://b.example" ] } }""");
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(json)
            .Add(new LabeledSource(OptionOrigin.Environment, new Dictionary<string, string?> { ["Piazza:PORT"] = "2001", ["Piazza:NETWORK:HTTPPORT"] = "2002" }))
            .Add(new LabeledSource(OptionOrigin.CommandLine, new Dictionary<string, string?> { ["Piazza:Network:Port"] = "3001" }))
            .Build();

        var bound = OptionBinder.Bind(configuration);

        Assert.Equal(3001, bound.Options.Network.Port);
        Assert.Equal(2002, bound.Options.Network.HttpPort);
        Assert.Equal("127.0.0.1", bound.Options.Network.Bind);
        Assert.Equal(["https://a.example", "https://b.example"], bound.Options.Connections.PublicOrigins);
        Assert.Empty(bound.Warnings);
        Directory.Delete(Path.GetDirectoryName(json)!, recursive: true);
    }

    [Fact]
    public void A_rule_between_options_fails_validation_like_a_bad_value()
    {
        var configuration = new ConfigurationBuilder()
            .Add(new LabeledSource(OptionOrigin.CommandLine, new Dictionary<string, string?> { ["Piazza:Network:PlainTcp"] = "false" }))
            .Build();
        var options = OptionBinder.Bind(configuration).Options;

        var result = new PiazzaOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("--plain-tcp false leaves no native door", Assert.Single(result.Failures!), StringComparison.Ordinal);
        var error = Assert.Throws<OptionsValidationException>(() => PiazzaHost.Build(new Dictionary<string, string?> { ["Piazza:PlainTcp"] = "false", ["Piazza:Data"] = TempData() }));
        Assert.Contains("--plain-tcp false", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_option_of_the_table_with_its_variable_and_default()
    {
        var (exitCode, _, stdout) = await RunToExitAsync(ServerProcess.Describe("--help"));

        Assert.Equal(0, exitCode);
        var help = stdout.ReplaceLineEndings(" ");
        foreach (var option in OptionTable.All)
        {
            Assert.Contains(option.Flag + " <", help, StringComparison.Ordinal);
            Assert.Contains(option.EnvironmentName, help, StringComparison.Ordinal);
        }

        Assert.Contains("(default 104857600; env PIAZZA_MAXFILEBYTES)", help, StringComparison.Ordinal);
    }

    [Fact]
    public void Docs_configuration_md_is_the_one_made_from_the_table()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Piazza.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var page = File.ReadAllText(Path.Combine(directory.FullName, "docs", "configuration.md")).ReplaceLineEndings("\n");
        Assert.True(page == ConfigurationDoc.Render(), $"docs/configuration.md is stale; regenerate it with: {ConfigurationDoc.RegenerateCommand}");
        foreach (var option in OptionTable.All)
        {
            Assert.Contains($"| `{option.Flag}` | `{option.EnvironmentName}` | `{option.ConfigurationKey}` | {option.DefaultDisplay} |", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_flat_name_is_unique_and_the_defaults_are_valid()
    {
        Assert.Equal(OptionTable.All.Count, OptionTable.All.Select(o => o.Name.ToUpperInvariant()).Distinct().Count());
        Assert.Equal(OptionTable.All.Count, OptionTable.All.Select(o => o.Flag).Distinct().Count());
        Assert.False(new PiazzaOptionsValidator().Validate(null, new PiazzaOptions()).Failed);
    }

    private static string TempData() => Path.Combine(Path.GetTempPath(), "piazza-options-" + Guid.NewGuid().ToString("N"));

    private static async Task<(int ExitCode, string Stderr, string Stdout)> RunToExitAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        return (process.ExitCode, await stderr, await stdout);
    }
}
