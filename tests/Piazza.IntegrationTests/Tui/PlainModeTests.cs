using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary><c>--plain</c> end to end against a real server: in-process through its entry method, and as a child process.</summary>
public sealed partial class PlainModeTests
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sends_each_line_prints_events_and_exits_0_after_all_are_acknowledged()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        var input = new StringReader("first line\nsecond ünïcödé 🎉\n/who\nthird\n");
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await PlainMode.RunAsync(new ConnectSettings("127.0.0.1", server.Port, "carol"), input, output, error);

        Assert.Equal(0, exit);
        Assert.Equal("", error.ToString());
        foreach (var text in new[] { "first line", "second ünïcödé 🎉", "third" })
        {
            var frame = await bob.ReadUntilAsync(f => f.Type() == "message");
            Assert.Equal("carol", frame.Str("from"));
            Assert.Equal(text, frame.Str("text"));
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches(TimePrefix(), l));
        var bodies = lines.Select(l => l[9..]).ToList();
        Assert.Equal(["<carol> first line", "<carol> second ünïcödé 🎉", "* users (2): bob, carol", "<carol> third"], bodies.Where(b => b.StartsWith("<carol>", StringComparison.Ordinal) || b.StartsWith("* users", StringComparison.Ordinal)));
        Assert.Single(bodies, b => b == "<carol> first line"); // the server's echo only, no local echo

        var left = await bob.ReadUntilAsync(f => f.Type() == "left");
        Assert.Equal("carol", left.Str("user"));
        Assert.Equal("quit", left.Str("reason"));
    }

    [Fact]
    public async Task Prints_other_users_messages_and_presence()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        var input = new BlockingReader();
        var output = new LineSignallingWriter();

        var run = PlainMode.RunAsync(new ConnectSettings("127.0.0.1", server.Port, "carol"), input, output, new StringWriter());
        await bob.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == "carol");
        // The ok comes after the message is in every member's queue, so carol has it before dave's presence below;
        // without this wait dave's join and leave (no disk) could overtake the message (fsync) and the run end first.
        await ProtocolSteps.SendOkAsync(bob, "lobby", "hello carol", "1");
        var (dave, _) = await RawClient.JoinAsync(server.Port, "dave");
        await dave.SendAsync(new { type = "bye" });
        await dave.WaitForCloseAsync();
        await dave.DisposeAsync();

        await output.WaitForAsync(l => l.EndsWith(" * dave left (quit)", StringComparison.Ordinal));
        input.End();
        Assert.Equal(0, await run.WaitAsync(ProcessTimeout));
        var text = output.ToString();
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, @"(?m)^\d\d:\d\d:\d\d <bob> hello carol$"), text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \* dave joined$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \* dave left \(quit\)$", text);
    }

    [Fact]
    public async Task Server_going_away_while_waiting_for_input_exits_3_with_one_stderr_line()
    {
        var server = await TestServer.StartAsync();
        var input = new BlockingReader();
        var output = new LineSignallingWriter();
        var error = new StringWriter();
        try
        {
            var run = PlainMode.RunAsync(new ConnectSettings("127.0.0.1", server.Port, "carol"), input, output, error);
            await output.WaitForAsync(l => l.Contains("connected as carol", StringComparison.Ordinal));
            await server.StopAsync();

            Assert.Equal(3, await run.WaitAsync(ProcessTimeout));
            var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("piazza: connection to 127.0.0.1:", line, StringComparison.Ordinal);
        }
        finally
        {
            input.End();
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Kicked_from_the_server_exits_3_saying_who_and_why()
    {
        await using var server = await TestServer.StartAsync();
        var input = new BlockingReader();
        var output = new LineSignallingWriter();
        var error = new StringWriter();
        try
        {
            var run = PlainMode.RunAsync(new ConnectSettings("127.0.0.1", server.Port, "carol"), input, output, error);
            await output.WaitForAsync(l => l.Contains("connected as carol", StringComparison.Ordinal));
            Assert.True(await server.Hub.KickAsync("carol", "spam"));

            Assert.Equal(3, await run.WaitAsync(ProcessTimeout));
            var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Equal("piazza: you were kicked from the server by operator: spam", line.TrimEnd('\r'));
        }
        finally
        {
            input.End();
        }
    }

    [Fact]
    public async Task Unreachable_port_exits_2_with_one_stderr_line()
    {
        var error = new StringWriter();
        var exit = await PlainMode.RunAsync(new ConnectSettings("127.0.0.1", FreePort(), "carol"), new StringReader("hi\n"), new StringWriter(), error);

        Assert.Equal(2, exit);
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("piazza: cannot connect to 127.0.0.1:", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Taken_name_exits_1_with_one_stderr_line()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await PlainMode.RunAsync(new ConnectSettings("127.0.0.1", server.Port, "bob"), new StringReader("hi\n"), output, error);

        Assert.Equal(1, exit);
        Assert.Equal("", output.ToString());
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'bob' is taken", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Child_process_pipes_stdin_and_stdout_and_exits_0()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;

        var result = await RunPiazzaAsync(["--plain", "--user", "erin", "--port", server.Port.ToString(CultureInfo.InvariantCulture)], "one\ntwo 🚀\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        Assert.Equal("one", (await bob.ReadUntilAsync(f => f.Type() == "message")).Str("text"));
        Assert.Equal("two 🚀", (await bob.ReadUntilAsync(f => f.Type() == "message")).Str("text"));
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d <erin> one$", result.Stdout);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d <erin> two 🚀$", result.Stdout);
    }

    [Fact]
    public async Task Child_process_reports_unreachable_port_and_taken_name()
    {
        var unreachable = await RunPiazzaAsync(["--plain", "--user", "erin", "--port", FreePort().ToString(CultureInfo.InvariantCulture)], "");
        Assert.Equal(2, unreachable.ExitCode);
        Assert.Single(unreachable.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("cannot connect", unreachable.Stderr, StringComparison.Ordinal);

        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        var taken = await RunPiazzaAsync(["--plain", "--user", "bob", "--port", server.Port.ToString(CultureInfo.InvariantCulture)], "hi\n");
        Assert.Equal(1, taken.ExitCode);
        Assert.Single(taken.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("taken", taken.Stderr, StringComparison.Ordinal);

        var usage = await RunPiazzaAsync(["--plain"], "");
        Assert.Equal(64, usage.ExitCode);
        Assert.Contains("--user", usage.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Command_line_rejects_a_bad_port_and_documents_the_plain_format()
    {
        var command = Piazza.Tui.Program.BuildCommand();
        Assert.NotEmpty(command.Parse(["--port", "70000"]).Errors);
        Assert.Empty(command.Parse(["--host", "example.org", "--port", "7000", "--user", "x", "--plain"]).Errors);
        var plain = command.Options.Single(o => o.Name == "--plain");
        Assert.Contains("local time", plain.Description, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunPiazzaAsync(string[] args, string stdin)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "piazza.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d ")]
    private static partial Regex TimePrefix();

    /// <summary>Standard input that stays open until <see cref="End"/>, like a terminal.</summary>
    private sealed class BlockingReader : TextReader
    {
        private readonly TaskCompletionSource<string?> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void End() => _end.TrySetResult(null);

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => new(_end.Task.WaitAsync(cancellationToken));
    }

    /// <summary>Standard output that lets a test wait for a line.</summary>
    private sealed class LineSignallingWriter : StringWriter
    {
        private readonly Lock _gate = new();
        private readonly List<(Func<string, bool> Match, TaskCompletionSource Done)> _waiters = [];
        private readonly List<string> _lines = [];

        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            lock (_gate)
            {
                _lines.Add(value ?? "");
                foreach (var waiter in _waiters.Where(w => w.Match(value ?? "")))
                {
                    waiter.Done.TrySetResult();
                }
            }
        }

        public Task WaitForAsync(Func<string, bool> match)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_lines.Any(match))
                {
                    return Task.CompletedTask;
                }

                _waiters.Add((match, done));
            }

            return done.Task.WaitAsync(RawClient.DefaultTimeout);
        }
    }
}
