using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>The real server executable as a child process, for what only a process shows: exit codes, signals, SIGKILL.</summary>
public static partial class ServerProcess
{
    /// <summary>A start description for <c>piazza-server</c> with the given arguments (HTTP door on a free port).</summary>
    public static ProcessStartInfo Describe(params string[] args) => DescribeCommand(["--http-port", "0", "--irc-port", "0", "--irc-tls-port", "0", .. args]);

    /// <summary>A start description for <c>piazza-server</c> with exactly these arguments (a subcommand such as <c>admin</c>).</summary>
    public static ProcessStartInfo DescribeCommand(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "piazza-server.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>Starts a server on 127.0.0.1, port 0, on <paramref name="data"/> (and any <paramref name="more"/> arguments); returns once it listens, with its port.</summary>
    public static async Task<(Process Process, int Port)> StartListeningAsync(string data, params string[] more)
    {
        var info = Describe(["--port", "0", "--bind", "127.0.0.1", "--data", data, .. more]);
        info.Environment["PIAZZA_PASSWORDITERATIONS"] = "1000";

        // Bursts of sends measure durability here, not flood control.
        info.Environment["PIAZZA_MESSAGESPERSECOND"] = "0";
        info.Environment["PIAZZA_ACCOUNTMESSAGESPERSECOND"] = "0";
        info.Environment["PIAZZA_FRAMESPERSECOND"] = "0";
        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                ?? throw new InvalidOperationException("the server exited before listening");
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                // Keep draining stdout so the server never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                return (process, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }
    }

    [GeneratedRegex(@"listening on tcp://[^:]+:(\d+)")]
    private static partial Regex ListeningLine();
}
