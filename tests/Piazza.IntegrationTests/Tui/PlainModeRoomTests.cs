using System.Globalization;
using System.Threading.Channels;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary><c>--plain</c> with <c>--room</c> and <c>/msg</c>: lines go to the room, other conversations are labelled.</summary>
public sealed partial class PlainModeTests
{
    [Fact]
    public async Task Room_option_sends_there_msg_sends_privately_and_other_conversations_are_labelled()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await bob.SendAsync(new { type = "join", room = "dev", id = "j" });
        await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "j");
        var input = new QueueReader();
        var output = new LineSignallingWriter();
        var error = new StringWriter();

        var run = PlainMode.RunAsync(new ConnectSettings("127.0.0.1", server.Port, "carol") { Room = "dev" }, input, output, error);
        await bob.ReadUntilAsync(f => f.Type() == "joined" && f.Str("room") == "dev" && f.Str("user") == "carol");

        input.Add("hello dev");
        var inDev = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "carol");
        Assert.Equal("dev", inDev.Str("room"));
        Assert.Equal("hello dev", inDev.Str("text"));

        input.Add("/msg bob psst ünïcödé");
        var secret = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "carol");
        Assert.Equal("bob", secret.Str("to"));
        Assert.Equal("psst ünïcödé", secret.Str("text"));

        await bob.SendAsync(new { type = "send", room = "lobby", text = "over in the lobby", id = "l1" });
        await bob.SendAsync(new { type = "send", to = "carol", text = "got it", id = "p1" });
        await bob.SendAsync(new { type = "send", room = "dev", text = "and in dev", id = "d1" });
        await output.WaitForAsync(l => l.EndsWith(" <bob> and in dev", StringComparison.Ordinal));
        input.End();
        Assert.Equal(0, await run.WaitAsync(ProcessTimeout));
        Assert.Equal("", error.ToString());

        var text = output.ToString();
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d <carol> hello dev$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \[@bob\] <carol> psst ünïcödé$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \[lobby\] <bob> over in the lobby$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \[@bob\] <bob> got it$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d <bob> and in dev$", text);
    }

    [Fact]
    public async Task Child_process_with_room_and_account_options_sends_to_the_room_and_privately()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(server.Port, "bob");
        await using var bobClient = bob;
        await bob.SendAsync(new { type = "join", room = "ops", id = "j" });
        await bob.ReadUntilAsync(f => f.Type() == "ok" && f.Str("re") == "j");
        var port = server.Port.ToString(CultureInfo.InvariantCulture);

        var result = await RunPiazzaAsync(["--plain", "--user", "erin", "--password", ProtocolSteps.Password, "--register", "--room", "ops", "--port", port], "to ops\n/msg bob to bob\n");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
        var first = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "erin");
        Assert.Equal(("ops", "to ops"), (first.Str("room"), first.Str("text")));
        var second = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "erin");
        Assert.Equal(("bob", "to bob"), (second.Str("to"), second.Str("text")));
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d <erin> to ops$", result.Stdout);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \[@bob\] <erin> to bob$", result.Stdout);

        // The account now exists: a guest may not take the name, a wrong password is refused.
        var reserved = await RunPiazzaAsync(["--plain", "--user", "erin", "--guest", "--port", port], "");
        Assert.Equal(1, reserved.ExitCode);
        Assert.Contains("registered name", reserved.Stderr, StringComparison.Ordinal);
        var wrong = await RunPiazzaAsync(["--plain", "--user", "erin", "--password", "not the password", "--port", port], "");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("wrong user name or password", wrong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_replayed_on_connect_are_labelled_by_conversation_like_live_ones()
    {
        await using var server = await TestServer.StartAsync();
        // carol's first session makes her a member of dev and is still online, so the second one is sent what was
        // posted since (replayed, not live) in lobby and dev.
        var (carolFirst, _) = await ProtocolSteps.RegisterAsync(server.Port, "carol");
        await using var carolFirstClient = carolFirst;
        await ProtocolSteps.JoinRoomAsync(carolFirst, "dev");
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var bobClient = bob;
        await ProtocolSteps.JoinRoomAsync(bob, "dev");
        await ProtocolSteps.SendOkAsync(bob, "lobby", "missed in the lobby", "l1");
        await ProtocolSteps.SendOkAsync(bob, "dev", "missed in dev", "d1");
        var settings = new ConnectSettings("127.0.0.1", server.Port, "carol") { Password = ProtocolSteps.Password, Room = "dev" };
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await PlainMode.RunAsync(settings, new StringReader("back in dev\n"), output, error).WaitAsync(ProcessTimeout);

        Assert.Equal((0, ""), (exit, error.ToString()));
        var text = output.ToString();
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \[lobby\] <bob> missed in the lobby$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d <bob> missed in dev$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d <carol> back in dev$", text);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d \* connected as carol", text); // a notice of the session, not of a room
    }

    [Fact]
    public void Command_line_takes_account_and_room_options()
    {
        var command = Piazza.Tui.Program.BuildCommand();
        Assert.Empty(command.Parse(["--user", "x", "--password", "secret123", "--register", "--room", "dev", "--plain"]).Errors);
        Assert.Empty(command.Parse(["--user", "x", "--guest"]).Errors);
        Assert.Contains("PIAZZA_PASSWORD", command.Options.Single(o => o.Name == "--password").Description, StringComparison.Ordinal);
    }

    /// <summary>Standard input fed line by line by the test, open until <see cref="End"/>.</summary>
    private sealed class QueueReader : TextReader
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

        public void Add(string line) => _lines.Writer.TryWrite(line);

        public void End() => _lines.Writer.TryComplete();

        public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
            => await _lines.Reader.WaitToReadAsync(cancellationToken) && _lines.Reader.TryRead(out var line) ? line : null;
    }
}
