using System.Diagnostics;
using System.Globalization;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Irc;

/// <summary>
/// The IRC door of the real server process, as test harnesses and bots use it: <c>--irc-port 0</c> prints the port it
/// took, <c>QUIT</c> before registering closes at once, and SIGTERM ends the process promptly after telling IRC clients.
/// </summary>
public class IrcProcessTests
{
    [Fact]
    public async Task A_process_on_irc_port_0_names_its_port_answers_quit_at_once_and_exits_promptly_on_sigterm()
    {
        var data = Directory.CreateTempSubdirectory("piazza-irc-proc-").FullName;
        using var process = Process.Start(ServerProcess.Describe("--port", "0", "--bind", "127.0.0.1", "--data", data, "--console", "false"))!;
        try
        {
            _ = process.StandardError.ReadToEndAsync();
            var port = await IrcPortOfAsync(process);

            // QUIT before registering: ERROR, then the server closes the connection (it does not wait for the client).
            await using (var quitter = await IrcPortClients.ConnectAsync(port))
            {
                var watch = Stopwatch.StartNew();
                await quitter.SendAsync("QUIT :just looking");
                await quitter.ExpectAsync("ERROR", TimeSpan.FromSeconds(5));
                await quitter.ExpectClosedAsync(TimeSpan.FromSeconds(5));
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"closing took {watch.Elapsed}");
            }

            await using var alice = await IrcPortClients.RegisterGuestAsync(port, "alice");
            await using var bob = await IrcPortClients.RegisterGuestAsync(port, "bob");
            await alice.ExpectFromAsync("bob", "JOIN", "#lobby");
            await bob.SendAsync("PRIVMSG #lobby :hi from a process");
            Assert.Equal("hi from a process", (await alice.ExpectFromAsync("bob", "PRIVMSG", "#lobby")).Trailing);

            // SIGTERM: every IRC client is told ERROR and closed, and the process exits 0 within a few seconds.
            var stopping = Stopwatch.StartNew();
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            foreach (var client in new[] { alice, bob })
            {
                var error = await client.ExpectAsync("ERROR", TimeSpan.FromSeconds(10));
                Assert.Contains("shutting down", error.Trailing, StringComparison.Ordinal);
                await client.ExpectClosedAsync(TimeSpan.FromSeconds(10));
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, process.ExitCode);
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the process took {stopping.Elapsed} to exit");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }

            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Reads the start lines up to the IRC door's (printed before the data folder's); keeps stdout drained after.</summary>
    private static async Task<int> IrcPortOfAsync(Process process)
    {
        var seen = new List<string>();
        while (true)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                ?? throw new InvalidOperationException("the server exited before naming its IRC port:\n" + string.Join('\n', seen));
            seen.Add(line);
            if (IrcPortClients.PortIn(line) is { } port)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                return port;
            }

            Assert.False(line.StartsWith("Data folder:", StringComparison.Ordinal), "no IRC line before the data folder's:\n" + string.Join('\n', seen));
        }
    }
}
