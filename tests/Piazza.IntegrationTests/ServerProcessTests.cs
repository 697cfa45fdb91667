using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>The server executable as an operator runs it: start-up failures and the listening line.</summary>
public class ServerProcessTests
{
    [Fact]
    public async Task A_port_in_use_gives_one_clear_line_and_a_nonzero_exit_code()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        var data = Directory.CreateTempSubdirectory("piazza-proc-").FullName;

        using var process = Process.Start(ServerProcess.Describe("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--data", data))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_flag()
    {
        using var process = Process.Start(ServerProcess.Describe("--help"))!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, process.ExitCode);
        foreach (var flag in new[] { "--port", "--http-port", "--bind", "--data", "--max-line-bytes", "--idle-timeout", "--hello-timeout", "--motd", "--allow-guests", "--console" })
        {
            Assert.Contains(flag, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sigterm_stops_the_server_gracefully_with_exit_code_zero()
    {
        var data = Directory.CreateTempSubdirectory("piazza-proc-").FullName;
        using var process = Process.Start(ServerProcess.Describe("--port", "0", "--bind", "127.0.0.1", "--data", data))!;
        var firstLine = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Matches(@"listening on tcp://127\.0\.0\.1:\d+", firstLine);

        var watch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, process.ExitCode);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
    }
}
