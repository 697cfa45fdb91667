using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>The server executable as an operator runs it: start-up failures and the listening line.</summary>
public class ServerProcessTests
{
    [Theory]
    [InlineData("--port")]
    [InlineData("--http-port")]
    [InlineData("--tls-port")]
    [InlineData("--https-port")]
    [InlineData("--irc-port")]
    [InlineData("--irc-tls-port")]
    public async Task A_port_in_use_gives_one_line_naming_the_flag_that_changes_it_and_exit_code_2(string flag)
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        var data = Directory.CreateTempSubdirectory("piazza-proc-").FullName;

        // Every other door on a free port, so only the one under test can fail.
        var doors = new Dictionary<string, string> { ["--port"] = "0", ["--http-port"] = "0", ["--tls-port"] = "0", ["--https-port"] = "0", ["--irc-port"] = "0", ["--irc-tls-port"] = "0" };
        doors[flag] = port;
        using var process = Process.Start(ServerProcess.DescribeCommand(["--bind", "127.0.0.1", "--data", data, "--dev-tls", .. doors.SelectMany(d => new[] { d.Key, d.Value })]))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"piazza-server: cannot listen on 127.0.0.1:{port}: address already in use", line, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith($"choose another with {flag})", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task Two_doors_on_one_port_are_refused_by_name_before_any_listens()
    {
        var data = Directory.CreateTempSubdirectory("piazza-proc-").FullName;
        using var process = Process.Start(ServerProcess.DescribeCommand("--bind", "127.0.0.1", "--data", data, "--port", "7999", "--http-port", "7999"))!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        Assert.Equal("piazza-server: --port 7999 and --http-port 7999 are the same port: give each door its own", (await stderr).Trim());
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task A_relative_data_folder_is_resolved_in_the_working_directory_and_named_absolute_at_start()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("piazza-cwd-").FullName;
        var expected = Path.Combine(workingDirectory, "chat-data");
        try
        {
            Assert.Equal($"Data folder: {expected} (new: created now)", await DataLineOfAsync(workingDirectory, "--data", "chat-data"));
            Assert.True(File.Exists(Path.Combine(expected, "piazza.db")));

            // Started again on it, the folder is the same and no longer new.
            Assert.Equal($"Data folder: {expected}", await DataLineOfAsync(workingDirectory, "--data", "chat-data"));
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Dotnet_run_keeps_the_default_data_folder_in_the_folder_it_was_typed_in()
    {
        // The README's command, from another folder: the Web SDK used to run the server in src/Piazza.Server.
        var workingDirectory = Directory.CreateTempSubdirectory("piazza-run-").FullName;
        var binaries = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = binaries.Parent!.Name;
        var repository = binaries;
        while (!File.Exists(Path.Combine(repository.FullName, "Piazza.slnx")))
        {
            repository = repository.Parent ?? throw new InvalidOperationException("no Piazza.slnx above " + AppContext.BaseDirectory);
        }

        try
        {
            var line = await DataLineOfAsync(
                workingDirectory, "dotnet", "run", "--project", Path.Combine(repository.FullName, "src", "Piazza.Server"), "-c", configuration, "--no-build", "--");
            Assert.Equal($"Data folder: {Path.Combine(workingDirectory, "piazza-data")} (new: created now)", line);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    /// <summary>
    /// Starts the server in <paramref name="workingDirectory"/> (the built executable, or the command given before
    /// <c>--</c>), returns its "Data folder:" line and stops it.
    /// </summary>
    private static async Task<string> DataLineOfAsync(string workingDirectory, params string[] args)
    {
        var dashes = Array.IndexOf(args, "--");
        var info = dashes < 0 ? ServerProcess.DescribeCommand([.. args, "--port", "0", "--http-port", "0", "--irc-port", "0", "--bind", "127.0.0.1"]) : new ProcessStartInfo(args[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (dashes >= 0)
        {
            foreach (var arg in args[1..].Concat(["--port", "0", "--http-port", "0", "--irc-port", "0", "--bind", "127.0.0.1"]))
            {
                info.ArgumentList.Add(arg);
            }
        }

        info.WorkingDirectory = workingDirectory;
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120))
                    ?? throw new InvalidOperationException("the server exited before naming its data folder: " + await stderr);
                if (line.StartsWith("Data folder: ", StringComparison.Ordinal))
                {
                    return line;
                }
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    [Theory]
    [InlineData(new[] { "--prot", "7070" }, "unknown option --prot (did you mean --port?)")]
    [InlineData(new[] { "admin", "list", "--creat" }, "unknown option --creat (did you mean --create?)")]
    [InlineData(new[] { "admin" }, "Required command was not provided")]
    [InlineData(new[] { "restore", "--from", "b.tar.gz", "--port", "7070" }, "--port is not an option of `restore`")]
    public async Task A_mistyped_command_line_gives_one_line_with_the_likely_flag_and_exit_code_2(string[] args, string problem)
    {
        using var process = Process.Start(ServerProcess.DescribeCommand(args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, process.ExitCode);
        Assert.Equal($"piazza-server: {problem}; piazza-server --help lists every option", (await stderr).Trim());
        Assert.Equal("", await stdout);
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
