using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server;
using Piazza.Server.Options;

namespace Piazza.IntegrationTests.Packaging;

/// <summary><c>piazza-server healthcheck</c>, the container HEALTHCHECK: 0 when /healthz answers 200, 1 otherwise.</summary>
public sealed class HealthCheckCommandTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_running_server_is_healthy()
    {
        await using var server = await TestServer.StartAsync();
        using var output = new StringWriter();

        var exit = await HealthCheckCommand.CheckAsync(new Uri(server.HttpBase, "healthz"), TimeSpan.FromSeconds(10), output);

        Assert.Equal(HealthCheckCommand.Healthy, exit);
        Assert.Contains(": 200 OK", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_other_than_200_is_unhealthy()
    {
        await using var server = await TestServer.StartAsync();
        using var output = new StringWriter();

        var exit = await HealthCheckCommand.CheckAsync(new Uri(server.HttpBase, "api/no-such-thing"), TimeSpan.FromSeconds(10), output);

        Assert.Equal(HealthCheckCommand.Unhealthy, exit);
        Assert.Contains(": 404", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_server_is_unhealthy()
    {
        using var output = new StringWriter();

        var exit = await HealthCheckCommand.CheckAsync(new Uri($"http://127.0.0.1:{ClosedPort()}/healthz"), TimeSpan.FromSeconds(10), output);

        Assert.Equal(HealthCheckCommand.Unhealthy, exit);
        Assert.Contains("no answer", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0", 8080, "http://127.0.0.1:8080/healthz")]
    [InlineData("*", 9000, "http://127.0.0.1:9000/healthz")]
    [InlineData("::", 8080, "http://[::1]:8080/healthz")]
    [InlineData("10.1.2.3", 8080, "http://10.1.2.3:8080/healthz")]
    [InlineData("fd00::5", 8080, "http://[fd00::5]:8080/healthz")]
    public void The_default_address_is_this_machines_HTTP_door(string bind, int port, string expected)
    {
        var options = new PiazzaOptions { Network = new NetworkOptions { Bind = bind, HttpPort = port } };

        Assert.Equal(new Uri(expected), HealthCheckCommand.DefaultUrl(options));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void An_HTTP_door_that_is_off_or_picked_at_start_needs_url(int port)
    {
        var options = new PiazzaOptions { Network = new NetworkOptions { HttpPort = port } };

        Assert.Throws<InvalidOperationException>(() => HealthCheckCommand.DefaultUrl(options));
    }

    [Fact]
    public async Task The_executable_finds_the_port_in_the_environment_and_exits_0_then_1_once_the_server_is_gone()
    {
        var server = await TestServer.StartAsync();
        var info = ServerProcess.DescribeCommand("healthcheck");
        info.Environment["PIAZZA_BIND"] = "127.0.0.1";
        info.Environment["PIAZZA_HTTPPORT"] = server.HttpEndPoint!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var (healthy, healthyOutput) = await RunToExitAsync(info);
        await server.DisposeAsync();
        var (gone, _) = await RunToExitAsync(info);

        Assert.True(healthy == 0, healthyOutput);
        Assert.Equal(1, gone);
    }

    [Fact]
    public async Task The_executable_asks_the_given_url()
    {
        await using var server = await TestServer.StartAsync();

        var (healthy, output) = await RunToExitAsync(ServerProcess.DescribeCommand("healthcheck", "--url", new Uri(server.HttpBase, "healthz").ToString()));
        var (notFound, _) = await RunToExitAsync(ServerProcess.DescribeCommand("healthcheck", "--url", new Uri(server.HttpBase, "api/no-such-thing").ToString()));
        var (bad, badOutput) = await RunToExitAsync(ServerProcess.DescribeCommand("healthcheck", "--url", "not a url"));

        Assert.True(healthy == 0, output);
        Assert.Equal(1, notFound);
        Assert.Equal(1, bad);
        Assert.Contains("must be an http or https address", badOutput, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output)> RunToExitAsync(ProcessStartInfo info)
    {
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
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

        return (process.ExitCode, await stdout + await stderr);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
