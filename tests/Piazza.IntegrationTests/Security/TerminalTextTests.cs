using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Piazza.Client;
using Piazza.IntegrationTests.Tui;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Security;

/// <summary>
/// Issue 11, hygiene: raw escape sequences from a moderation reason reached a <c>--plain</c> user's terminal. The
/// server now refuses them, so these tests play a hostile (or older) server that sends them anyway: the terminal
/// client must never print a control sequence it received, nor a line break that starts a forged line.
/// </summary>
[Collection(TuiCollection.Name)]
public sealed partial class TerminalTextTests
{
    private const string Escape = "\u001B";

    [Fact]
    public async Task Plain_mode_never_prints_control_characters_received_from_others()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var serving = ServeHostileAsync(listener,
        [
            new { type = "welcome", re = "hello", user = "carol", protocol = 1, server = "piazza/hostile", rooms = new[] { new { room = "lobby" } }, motd = Escape + "[31mred motd" },
            new { type = "message", room = "lobby", seq = 1, id = "m1", from = "mal" + Escape + "]0;owned\u0007", text = Escape + "[2J\r12:00:00 <admin> forged\nsecond line\u009B31m", ts = now },
            new { type = "topic", room = "lobby", topic = Escape + "[5mblink", by = "mal", ts = now },
            new { type = "muted", room = "lobby", user = "carol", by = "mal", reason = "quiet\r\n12:00:00 * forged notice" + Escape + "[8m", ts = now },
            new { type = "error", code = "forbidden", message = "nope\u202Eesrever" + Escape + "c" },
        ]);

        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var input = new NeverEndingReader();
        var exit = await PlainMode.RunAsync(new ConnectSettings("127.0.0.1", port, "carol"), input, output, error, stop.Token).WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync(); // releases the pending read of the input
        await serving;

        Assert.Equal(PlainMode.ExitConnectionLost, exit);
        var printed = output.ToString();
        Assert.DoesNotContain(printed, c => char.IsControl(c) && c != '\n' && c != '\r');
        Assert.DoesNotContain('\u202E', printed);
        var lines = printed.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.Matches(TimePrefix(), l)); // no line was started by a sender
        Assert.Contains(lines, l => l.Contains(@"<mal\u001B]0;owned\u0007> \u001B[2J\r12:00:00 <admin> forged\nsecond line\u009B31m", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(@"\u001B[5mblink", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(@"quiet\r\n12:00:00 * forged notice\u001B[8m", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(@"nope\u202Eesrever\u001Bc", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(@"\u001B[31mred motd", StringComparison.Ordinal));
        Assert.DoesNotContain(error.ToString().TrimEnd(), char.IsControl);
    }

    [Fact]
    public async Task Chat_window_shows_control_characters_in_topics_names_and_messages_as_escapes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var now = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        using var stop = new CancellationTokenSource();
        var serving = ServeHostileAsync(listener,
        [
            new { type = "welcome", re = "hello", user = "carol", protocol = 1, server = "piazza/hostile", rooms = new[] { new { room = "lobby" } } },
            new { type = "room", room = "lobby", topic = Escape + "[5mblink", owner = "mal", users = new[] { new { user = "carol", since = now }, new { user = "mal" + Escape + "[2J", since = now } }, moderators = Array.Empty<string>(), locked = true },
            new { type = "message", room = "lobby", seq = 1, id = "m1", from = "mal" + Escape + "[2J", text = "hi" + Escape + "]0;owned\u0007", ts = now },
        ], stop.Token);

        var settings = new ConnectSettings("127.0.0.1", port, "carol");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: false));
        await client.ConnectAsync();
        using var ui = new HeadlessUi(width: 110, height: 32);
        using var window = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(window);
        try
        {
            ui.PumpUntil(() => window.State.Lines.Any(l => l.Text.StartsWith("hi", StringComparison.Ordinal)), "the hostile message");
            var screen = ui.Screen;
            Assert.DoesNotContain(screen, c => char.IsControl(c) && c != '\n' && c != '\r');
            Assert.Equal(@"Topic: \u001B[5mblink", window.TopicText);
            Assert.Contains(@"<mal\u001B[2J> hi\u001B]0;owned\u0007", screen, StringComparison.Ordinal);
            Assert.True(Regex.Count(screen, Regex.Escape(@"mal\u001B[2J")) >= 2, screen); // the message and the users list
        }
        finally
        {
            ui.App.End(session);
            await stop.CancelAsync();
            await serving;
        }
    }

    /// <summary>Accepts one client, reads its hello, sends <paramref name="frames"/>, then closes (at once, or when <paramref name="hold"/> is cancelled).</summary>
    private static async Task ServeHostileAsync(TcpListener listener, object[] frames, CancellationToken hold = default)
    {
        using var socket = await listener.AcceptSocketAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var frame in frames)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(frame) + "\n"));
        }

        await stream.FlushAsync();
        if (hold.CanBeCanceled)
        {
            await Task.Delay(Timeout.Infinite, hold).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        socket.Shutdown(SocketShutdown.Both);
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d ")]
    private static partial Regex TimePrefix();

    /// <summary>Standard input of a user who types nothing: the run ends when the server closes.</summary>
    private sealed class NeverEndingReader : TextReader
    {
        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
            => new(Task.Delay(Timeout.Infinite, cancellationToken).ContinueWith<string?>(_ => null, TaskScheduler.Default));
    }
}
