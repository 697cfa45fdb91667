using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// Runs a script of <c>tests/node/scripts</c> with <c>node</c>; it uses npm packages from <c>tests/node/node_modules</c>
/// (installed by test.sh with <c>npm ci</c>) as an integrator's code would. The script takes one JSON argument and
/// prints one JSON line; a script that outlives its timeout is killed and fails the test.
/// </summary>
public static class NodePackageScript
{
    public static async Task<JsonObject> RunAsync(string script, object argument, TimeSpan timeout)
    {
        var folder = Path.Combine(RepoRoot(), "tests", "node");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules")), $"run 'npm ci' in {folder} first (test.sh does)");
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(folder, "scripts", script));
        start.ArgumentList.Add(JsonSerializer.Serialize(argument));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{script} did not finish within {timeout}: {await errors}");
        }

        var line = (await output).Trim();
        Assert.True(line.Length > 0, $"{script} printed nothing (exit {process.ExitCode}): {await errors}");
        return JsonNode.Parse(line.Split('\n')[^1])!.AsObject();
    }

    private static string RepoRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Piazza.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"no Piazza.slnx above {AppContext.BaseDirectory}");
    }
}
