using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Piazza.Bench.Micro;

/// <summary>
/// Entry point of <c>Piazza.Bench micro [BenchmarkDotNet arguments]</c>: the hot path's pieces one by one (line
/// framing, decoding, encode-once, the outbox) and fan-out through an embedded hub. Results go to docs/benchmarks.md.
/// </summary>
internal static class MicroBenchmarks
{
    private const string OutOfProcess = "--out-of-process";

    public static int Run(string[] args)
    {
        // Without a filter BenchmarkDotNet asks interactively which class to run; a script wants all of them.
        var arguments = args.Any(a => a is "--filter" or "-f") ? args.ToList() : [.. args, "--filter", "*"];

        // In-process unless asked: out of process, BenchmarkDotNet builds a copy of the project graph for every run,
        // which outlasted its 2-minute build timeout on a busy 2-core machine.
        if (!arguments.Remove(OutOfProcess))
        {
            if (!arguments.Contains("--inProcess") && !arguments.Contains("-i"))
            {
                arguments.Add("--inProcess");
            }
        }
        else if (!arguments.Contains("--buildTimeout"))
        {
            arguments.AddRange(["--buildTimeout", "900"]);
        }

        // Medians beside means (a shared machine has outliers); reports beside the binaries (ignored by git).
        var config = DefaultConfig.Instance
            .AddColumn(StatisticColumn.Median)
            .WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run([.. arguments], config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
