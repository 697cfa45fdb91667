using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests;

/// <summary>
/// The operator console as an operator meets it: the real server executable in a terminal (tmux, so stdin is a tty
/// and the console turns itself on), commands typed with send-keys, the screen read back with capture-pane, and two
/// real protocol clients over TCP seeing the effects.
/// </summary>
public sealed partial class OperatorConsoleTests
{
    private static readonly TimeSpan Timeout = RawClient.DefaultTimeout;

    [Fact]
    public async Task Users_stats_say_kick_and_quit_typed_in_a_terminal_act_on_the_server_and_its_clients()
    {
        var data = Directory.CreateTempSubdirectory("piazza-console-").FullName;
        try
        {
            await using var terminal = await Terminal.StartAsync(
                "env", "PIAZZA_PASSWORDITERATIONS=1000", "dotnet", Path.Combine(AppContext.BaseDirectory, "piazza-server.dll"),
                "--port", "0", "--bind", "127.0.0.1", "--http-port", "0", "--irc-port", "0", "--data", data);
            var listening = await terminal.WaitForScreenAsync(ListeningLine());
            var port = int.Parse(listening.Groups[1].Value, CultureInfo.InvariantCulture);
            await terminal.WaitForScreenAsync(ConsoleReadyLine());

            var (alice, _) = await RawClient.JoinAsync(port, "alice");
            await using var aliceClient = alice;
            var (bob, _) = await RawClient.JoinAsync(port, "bob");
            await using var bobClient = bob;

            await terminal.TypeLineAsync("users");
            await terminal.WaitForScreenAsync(UsersCountLine());
            var screen = await terminal.CaptureAsync();
            Assert.Matches(UserRow("alice"), screen);
            Assert.Matches(UserRow("bob"), screen);

            await terminal.TypeLineAsync("stats");
            await terminal.WaitForScreenAsync(StatsLine(2));

            await terminal.TypeLineAsync("say hello all");
            var announced = await terminal.WaitForScreenAsync(AnnouncedLine());
            var announcement = await alice.ReadUntilAsync(f => f.Type() == "message");
            Assert.Equal("server", (string?)announcement["from"]);
            Assert.Equal("lobby", (string?)announcement["room"]);
            Assert.Equal("hello all", (string?)announcement["text"]);
            Assert.Equal(long.Parse(announced.Groups[1].Value, CultureInfo.InvariantCulture), (long?)announcement["seq"]);

            await terminal.TypeLineAsync("kick bob");
            await terminal.WaitForScreenAsync(KickedLine());
            var kicked = await bob.ReadUntilAsync(f => f.Type() == "kicked");
            Assert.Equal("bob", (string?)kicked["user"]);
            Assert.Equal("operator", (string?)kicked["by"]);
            Assert.True(await bob.WaitForCloseAsync(Timeout));
            var left = await alice.ReadUntilAsync(f => f.Type() == "left" && (string?)f["user"] == "bob");
            Assert.Equal("kicked", (string?)left["reason"]);
            Assert.Equal("lobby", (string?)left["room"]);

            await terminal.TypeLineAsync("stats");
            await terminal.WaitForScreenAsync(StatsLine(1));

            await terminal.TypeLineAsync("quit");
            var shutdown = await alice.ReadUntilAsync(f => f.Type() == "shutdown");
            Assert.False(string.IsNullOrEmpty((string?)shutdown["message"]));
            Assert.True(await alice.WaitForCloseAsync(Timeout));
            Assert.Equal(0, await terminal.WaitForExitCodeAsync());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Stats_counts_messages_stored_before_and_since_the_start_and_what_the_store_holds()
    {
        var data = Directory.CreateTempSubdirectory("piazza-console-").FullName;
        try
        {
            // Two messages and an account from an earlier run of the server on this folder.
            await using (var earlier = await TestServer.StartInAsync(data))
            {
                await using var boss = await earlier.RegisterAsync("boss");
                Assert.NotNull(await earlier.Hub.AnnounceAsync("one"));
                Assert.NotNull(await earlier.Hub.AnnounceAsync("two"));
                await earlier.StopKeepingDataAsync();
            }

            await using var terminal = await StartServerAsync(data);
            var port = int.Parse((await terminal.WaitForScreenAsync(ListeningLine())).Groups[1].Value, CultureInfo.InvariantCulture);
            await terminal.WaitForScreenAsync(ConsoleReadyLine());
            await terminal.TypeLineAsync("stats");
            await terminal.WaitForScreenAsync(new Regex(@"(?m)^messages: 2 stored, 0 since start\s*\n^stored:\s+1 room, 0 private conversations, 1 account, 0 files\s*$"));

            // A client's send counts as stored since the start, as an announcement does.
            var (alice, _) = await RawClient.JoinAsync(port, "alice");
            await using var aliceClient = alice;
            await alice.SendAsync(new { type = "send", room = "lobby", text = "hi", id = "c1" });
            await alice.ReadUntilAsync(f => f.Type() == "ok");
            await terminal.TypeLineAsync("stats");
            await terminal.WaitForScreenAsync(new Regex(@"(?m)^online:\s+1 user on 1 session, 1 open connection\s*\n^messages: 3 stored, 1 since start\s*$"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_log_line_while_the_operator_types_leaves_the_typed_text_whole_below_it()
    {
        var data = Directory.CreateTempSubdirectory("piazza-console-").FullName;
        try
        {
            await using var terminal = await StartServerAsync(data);
            var port = int.Parse((await terminal.WaitForScreenAsync(ListeningLine())).Groups[1].Value, CultureInfo.InvariantCulture);
            await terminal.WaitForScreenAsync(ConsoleReadyLine());
            await terminal.TypeAsync("sta");
            await terminal.WaitForScreenAsync(PromptWith("sta"));

            // A connection logs lines while "sta" is typed: they go above the prompt, which keeps the text.
            var (alice, _) = await RawClient.JoinAsync(port, "alice");
            await using var aliceClient = alice;
            await terminal.WaitForScreenAsync(new Regex(@"(?s)alice connected from [^\n]*\n> sta\s*\z"));
            Assert.Matches(@"(?m)^\d\d:\d\d:\d\d info: \S+ Connection from 127\.0\.0\.1", await terminal.CaptureAsync());
            Assert.DoesNotMatch(@"sta\d", await terminal.CaptureAsync());

            // What was typed before and after the log lines is one command.
            await terminal.TypeLineAsync("ts");
            await terminal.WaitForScreenAsync(StatsLine(1));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static Task<Terminal> StartServerAsync(string data) => Terminal.StartAsync(
        "env", "PIAZZA_PASSWORDITERATIONS=1000", "dotnet", Path.Combine(AppContext.BaseDirectory, "piazza-server.dll"),
        "--port", "0", "--bind", "127.0.0.1", "--http-port", "0", "--irc-port", "0", "--data", data);

    /// <summary>The prompt with <paramref name="typed"/> on the last line of the terminal.</summary>
    private static Regex PromptWith(string typed) => new($@"(?m)^> {Regex.Escape(typed)}\s*\z");

    private static Regex UserRow(string name) => new($@"(?m)^{name}\s+guest\s+127\.0\.0\.1:\d+\s+tcp\s+\d\d:\d\d:\d\d\s+0\s+lobby\s*$");

    private static Regex StatsLine(int users) => new($@"(?m)^online:\s+{users} users? on {users} sessions?, \d+ open connections?");

    [GeneratedRegex(@"listening on tcp://127\.0\.0\.1:(\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"(?m)^Operator console ready: type help")]
    private static partial Regex ConsoleReadyLine();

    [GeneratedRegex(@"(?m)^2 connected\s*$")]
    private static partial Regex UsersCountLine();

    [GeneratedRegex(@"(?m)^announced in lobby as seq (\d+)")]
    private static partial Regex AnnouncedLine();

    [GeneratedRegex(@"(?m)^kicked bob\s*$")]
    private static partial Regex KickedLine();
}
