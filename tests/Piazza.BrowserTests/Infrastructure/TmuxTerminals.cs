using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Piazza.BrowserTests.Infrastructure;

/// <summary>
/// Terminal programs (irssi, weechat, the terminal client) each in a tmux session on this test's own tmux server
/// (its own <c>-L</c> socket), so disposing ends only these sessions and never another user's tmux. Missing tmux
/// fails the test with the package to install, never skips it.
/// </summary>
public sealed class TmuxTerminals : IAsyncDisposable
{
    /// <summary>How long a screen may take to show what a test waits for (dotnet start-up on a busy 2-core machine).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly string _socket = $"piazza-irc-{Guid.NewGuid():N}";
    private readonly List<string> _sessions = [];
    private string? _socketPath;

    /// <summary>
    /// Starts <paramref name="command"/> (run directly, no shell) in a new session of <paramref name="width"/> ×
    /// <paramref name="height"/> cells, with a UTF-8 locale and <paramref name="environment"/> added.
    /// </summary>
    public async Task<TerminalSession> StartAsync(string name, int width, int height, IReadOnlyDictionary<string, string> environment, params string[] command)
    {
        var session = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
        List<string> start = ["new-session", "-d", "-s", session, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture), "-e", "LANG=C.UTF-8", "-e", "LC_ALL=C.UTF-8"];
        foreach (var (key, value) in environment)
        {
            start.AddRange(["-e", $"{key}={value}"]);
        }

        // No user or system tmux.conf (-f /dev/null) for the first session, which starts this test's tmux server;
        // remain-on-exit keeps a program's last screen when it exits, for the failure message.
        string[] options = _sessions.Count == 0 ? ["-f", "/dev/null"] : [];
        await TmuxAsync([.. options, .. start, "--", .. command, ";", "set-option", "-t", session, "remain-on-exit", "on"]);
        _sessions.Add(session);
        _socketPath ??= (await TmuxAsync("display-message", "-p", "-t", session, "#{socket_path}")).Trim();
        return new TerminalSession(this, session);
    }

    public async ValueTask DisposeAsync()
    {
        // Each session ends its program (tmux hangs up its terminal); the server goes with its last session.
        foreach (var session in _sessions)
        {
            try
            {
                await TmuxAsync("kill-session", "-t", session);
            }
            catch (InvalidOperationException)
            {
                // the session already ended with its program
            }
        }

        // tmux leaves its socket file behind; one per test run would pile up in /tmp.
        if (_socketPath is not null)
        {
            File.Delete(_socketPath);
        }
    }

    internal Task<string> TmuxAsync(params string[] args) => RunAsync("tmux", ["-u", "-L", _socket, .. args]);

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.Environment["LANG"] = "C.UTF-8";
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"{program} is not installed: the IRC client tests need it (`apt-get install -y tmux irssi weechat-curses`).", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(Timeout);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}");
            }

            return await output;
        }
    }

    /// <summary>One program's terminal: keys in, the visible screen out.</summary>
    public sealed class TerminalSession(TmuxTerminals owner, string name)
    {
        public string Name { get; } = name;

        /// <summary>Types a line as a person would: the text, then Enter.</summary>
        public async Task TypeLineAsync(string text)
        {
            await owner.TmuxAsync("send-keys", "-t", Name, "-l", text);
            await owner.TmuxAsync("send-keys", "-t", Name, "Enter");
        }

        /// <summary>The visible screen, as the person at the terminal sees it (trailing blanks trimmed).</summary>
        public async Task<string> CaptureAsync()
        {
            var screen = await owner.TmuxAsync("capture-pane", "-p", "-t", Name);
            return string.Join('\n', screen.Split('\n').Select(line => line.TrimEnd()));
        }

        /// <summary>Reads the screen until every pattern is on it at once; fails with the screen and what is missing.</summary>
        public async Task<string> WaitForAsync(params Regex[] patterns)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                var screen = await CaptureAsync();
                var missing = patterns.Where(p => !p.IsMatch(screen)).ToList();
                if (missing.Count == 0)
                {
                    return screen;
                }

                if ((await owner.TmuxAsync("display-message", "-p", "-t", Name, "#{pane_dead}")).Trim() == "1")
                {
                    throw new InvalidOperationException($"{Name} exited before showing {string.Join(", ", missing.Select(p => $"'{p}'"))}; its last screen:\n{screen}");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{Name} did not show {string.Join(", ", missing.Select(p => $"'{p}'"))}; its screen:\n{screen}");
                }

                await Task.Delay(PollInterval);
            }
        }
    }
}
