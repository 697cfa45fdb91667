using Microsoft.Extensions.Configuration;
using Piazza.Server.Options;

namespace Piazza.UnitTests;

/// <summary>deploy/appsettings.example.json: made from the option table, and accepted as it is by the server's binder.</summary>
public sealed class AppSettingsExampleUnitTests
{
    private const string ExamplePath = "deploy/appsettings.example.json";

    [Fact]
    public void The_checked_in_example_is_the_generated_one()
    {
        var file = RepoDocs.Read(ExamplePath).ReplaceLineEndings("\n");
        Assert.True(file == AppSettingsExample.Render(), $"{ExamplePath} is stale; regenerate it with: {AppSettingsExample.RegenerateCommand}");
    }

    [Fact]
    public void The_example_binds_with_no_warning_and_passes_validation()
    {
        var path = Path.Combine(Path.GetTempPath(), $"piazza-appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, AppSettingsExample.Render());
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
            var bound = OptionBinder.Bind(configuration);

            Assert.Empty(bound.Warnings);
            Assert.False(new PiazzaOptionsValidator().Validate(null, bound.Options).Failed);
            Assert.Equal(new PiazzaOptions().Data, bound.Options.Data);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Every_option_is_in_the_example_at_its_full_key_with_its_default()
    {
        var text = AppSettingsExample.Render();
        var path = Path.Combine(Path.GetTempPath(), $"piazza-appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, text);
        try
        {
            var configuration = new ConfigurationBuilder().AddJsonFile(path, optional: false).Build();
            var defaults = new PiazzaOptions();
            foreach (var option in OptionTable.All)
            {
                Assert.Contains($"// {option.Flag}: ", text, StringComparison.Ordinal);
                var section = configuration.GetSection(option.ConfigurationKey);
                if (option.Get(defaults) is null)
                {
                    // No default: present only as a commented-out line, so it stays unset.
                    Assert.False(section.Exists(), $"{option.ConfigurationKey} should be commented out");
                    Assert.Contains($"// \"{option.Path.Split(':')[^1]}\": ", text, StringComparison.Ordinal);
                }
                else if (option.Kind != OptionKind.List || ((IEnumerable<string>)option.Get(defaults)!).Any())
                {
                    Assert.True(section.Exists(), $"{option.ConfigurationKey} is missing from the example");
                }
            }

            // What the file sets is what the server would use with no file at all.
            var bound = OptionBinder.Bind(configuration).Options;
            foreach (var option in OptionTable.All)
            {
                Assert.Equal(OptionDescriptor.Format(option.Get(defaults)), OptionDescriptor.Format(option.Get(bound)));
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
