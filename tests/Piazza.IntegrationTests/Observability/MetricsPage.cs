using System.Globalization;
using System.Text.RegularExpressions;

namespace Piazza.IntegrationTests.Observability;

/// <summary>A Prometheus text page read into samples: a name, its labels and its value.</summary>
public sealed partial class MetricsPage
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    public MetricsPage(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = Label().Matches(match.Groups["labels"].Value).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            _samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every label of <paramref name="labels"/>; 0 when none.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
        => _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>Whether any sample has this name.</summary>
    public bool Has(string name) => _samples.Any(s => s.Name == name);

    /// <summary>Every label key used on samples of the Piazza meter.</summary>
    public IEnumerable<(string Name, string Key, string Value)> PiazzaLabels
        => _samples.Where(s => s.Name.StartsWith("piazza_", StringComparison.Ordinal)).SelectMany(s => s.Labels.Select(l => (s.Name, l.Key, l.Value)));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)( \d+)?$")]
    private static partial Regex Sample();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex Label();
}
