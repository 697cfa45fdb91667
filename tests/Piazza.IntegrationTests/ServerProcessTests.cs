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
        foreach (var flag in new[] { "--port", "--http-port", "--bind", "--data", "--max-line-bytes", "--idle-timeout", "--hello-timeout", "--motd", "--allow-guests", "--console",
            "--plain-tcp", "--tls-port", "--https-port", "--tls-cert", "--tls-key", "--dev-tls", "--tls-reload-interval", "--tls-handshake-timeout", "--max-message-chars", "--max-rooms-per-user",
            "--messages-per-second", "--message-burst", "--account-messages-per-second", "--account-message-burst", "--frames-per-second",
            "--frame-burst", "--flood-refusals", "--flood-window", "--max-connections-per-address", "--connections-per-second-per-address",
            "--connection-burst-per-address" })
        {
            Assert.Contains(flag, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Dev_tls_makes_a_certificate_in_the_data_folder_and_prints_its_fingerprint()
    {
        var data = Directory.CreateTempSubdirectory("piazza-proc-").FullName;
        using var process = Process.Start(ServerProcess.Describe("--port", "0", "--bind", "127.0.0.1", "--data", data, "--dev-tls", "--tls-port", "0", "--https-port", "0"))!;
        try
        {
            _ = process.StandardError.ReadToEndAsync();
            string? printed = null;
            var sawTls = false;
            while (printed is null)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                    ?? throw new InvalidOperationException("the server exited before printing a fingerprint");
                sawTls |= line.Contains("listening on tls://127.0.0.1:", StringComparison.Ordinal);
                if (line.StartsWith("TLS certificate SHA-256 fingerprint: ", StringComparison.Ordinal))
                {
                    printed = line["TLS certificate SHA-256 fingerprint: ".Length..];
                }
            }

            Assert.True(sawTls);
            using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
                await File.ReadAllTextAsync(Path.Combine(data, "dev-cert.pem")));
            Assert.Equal(certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256), printed);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Directory.Delete(data, recursive: true);
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
