using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Piazza.IntegrationTests;

public sealed partial class OperatorConsoleTests
{
    /// <summary>
    /// One tmux session on a private server socket (<c>-L</c>) running one command in a pane that stays after the
    /// command exits, so its exit status can be read. Disposing kills that tmux server and, if still alive, the command.
    /// </summary>
    private sealed class Terminal : IAsyncDisposable
    {
        private const string Session = "console";
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
        private readonly string _socket = $"piazza-test-{Guid.NewGuid():N}";
        private int _commandPid;
        private string? _socketPath;

        public static async Task<Terminal> StartAsync(params string[] command)
        {
            var terminal = new Terminal();

            // Wide and tall enough that no reply wraps; remain-on-exit keeps the pane (and its exit status) after quit.
            string[] start = ["-f", "/dev/null", "new-session", "-d", "-s", Session, "-x", "220", "-y", "60", "--", .. command, ";", "set-option", "-t", Session, "remain-on-exit", "on"];
            await terminal.TmuxAsync(start);
            var pidAndSocket = (await terminal.TmuxAsync("display-message", "-p", "-t", Session, "#{pane_pid} #{socket_path}")).Trim().Split(' ', 2);
            terminal._commandPid = int.Parse(pidAndSocket[0], CultureInfo.InvariantCulture);
            terminal._socketPath = pidAndSocket[1];
            return terminal;
        }

        /// <summary>Types text without ending the line.</summary>
        public Task TypeAsync(string text) => TmuxAsync("send-keys", "-t", Session, "-l", text);

        /// <summary>Types a line as an operator would: the text, then Enter.</summary>
        public async Task TypeLineAsync(string text)
        {
            await TmuxAsync("send-keys", "-t", Session, "-l", text);
            await TmuxAsync("send-keys", "-t", Session, "Enter");
        }

        /// <summary>The whole pane, scroll-back included, wrapped lines joined.</summary>
        public Task<string> CaptureAsync() => TmuxAsync("capture-pane", "-p", "-J", "-S", "-", "-t", Session);

        /// <summary>Reads the screen until <paramref name="pattern"/> appears on it; fails with the screen at the deadline.</summary>
        public async Task<Match> WaitForScreenAsync(Regex pattern)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                var screen = await CaptureAsync();
                var match = pattern.Match(screen);
                if (match.Success)
                {
                    return match;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"'{pattern}' did not appear on the terminal; it shows:\n{screen}");
                }

                await Task.Delay(PollInterval);
            }
        }

        /// <summary>Waits until the command in the pane has exited and returns its exit status.</summary>
        public async Task<int> WaitForExitCodeAsync()
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (true)
            {
                // A pane is dead once its terminal closes, which can be before tmux has reaped the command: only then is
                // pane_dead_status (a normal exit) or pane_dead_signal (killed) set.
                var state = (await TmuxAsync("display-message", "-p", "-t", Session, "#{pane_dead}:#{pane_dead_status}:#{pane_dead_signal}:#{pid}")).Trim().Split(':');
                if (state[0] == "1" && state[1].Length > 0)
                {
                    return int.Parse(state[1], CultureInfo.InvariantCulture);
                }

                if (state[0] == "1" && state[2].Length > 0)
                {
                    throw new InvalidOperationException($"the command was ended by signal {state[2]}; the terminal shows:\n{await CaptureAsync()}");
                }

                if (state[0] == "1")
                {
                    // Debian's tmux closes the pane's utmp record with libutempter, whose own SIGCHLD handler can swallow
                    // the command's SIGCHLD (tmux/tmux#311): the command stays a zombie until tmux is told again.
                    await RunAsync("kill", "-CHLD", state[3]);
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the command did not exit; the terminal shows:\n{await CaptureAsync()}");
                }

                await Task.Delay(PollInterval);
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var command = Process.GetProcessById(_commandPid);
                if (!command.HasExited)
                {
                    command.Kill();
                }
            }
            catch (ArgumentException)
            {
                // already gone
            }

            try
            {
                await TmuxAsync("kill-server");
            }
            catch (InvalidOperationException)
            {
                // the tmux server already ended with its last session
            }

            // tmux leaves its socket file behind; one per test run would pile up in /tmp.
            if (_socketPath is not null)
            {
                File.Delete(_socketPath);
            }
        }

        private Task<string> TmuxAsync(params string[] args) => RunAsync("tmux", ["-L", _socket, .. args]);

        private static async Task<string> RunAsync(string program, params string[] args)
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
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
}
