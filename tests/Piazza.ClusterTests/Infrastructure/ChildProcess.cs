using System.Collections.Concurrent;
using System.Diagnostics;

namespace Piazza.ClusterTests.Infrastructure;

/// <summary>
/// A child process the tests own: its output lines are kept (the last few hundred, for failure messages) and offered
/// to a waiter, so a test waits for "ready" as an event instead of sleeping. Kill is SIGKILL.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private const int KeptLines = 300;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _streamsOpen = 2;
    private int _disposed;

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>True once the process has exited (or was disposed); safe to ask from any thread at any time.</summary>
    public bool HasExited => _exited.Task.IsCompleted || Volatile.Read(ref _disposed) != 0;

    /// <summary>The exit code, once <see cref="Exited"/> has completed.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Completes when the process has exited and both its output streams are read to the end.</summary>
    public Task Exited => _exited.Task;

    /// <summary>The last lines the process wrote (stdout and stderr interleaved), for a failure message.</summary>
    public string RecentOutput => string.Join('\n', _lines);

    /// <summary>Starts <paramref name="info"/> with stdout and stderr captured (stdin too, so no child reads the test's terminal).</summary>
    public static ChildProcess Start(ProcessStartInfo info)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        info.UseShellExecute = false;
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {info.FileName}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for an output line that matches; fails with the output so far if the process exits first or time runs out.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, string what)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var already = _lines.FirstOrDefault(match);
            if (already is not null)
            {
                return already;
            }

            _waiters.Add((match, seen));
        }

        var first = await Task.WhenAny(seen.Task, _exited.Task, Task.Delay(timeout)).ConfigureAwait(false);
        if (first == seen.Task)
        {
            return await seen.Task.ConfigureAwait(false);
        }

        lock (_gate)
        {
            _waiters.RemoveAll(w => w.Seen == seen);
        }

        var why = first == _exited.Task ? $"exited with code {_process.ExitCode}" : $"did not within {timeout.TotalSeconds:0} s";
        throw new InvalidOperationException($"{_process.StartInfo.FileName} {why} before {what}; its output:\n{RecentOutput}");
    }

    /// <summary>SIGKILL (no shutdown code runs) and waits for the exit.</summary>
    public async Task KillAsync()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(30_000);
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            // One stream reached its end; the process has exited once both have.
            if (Interlocked.Decrement(ref _streamsOpen) == 0)
            {
                _ = _process.WaitForExitAsync().ContinueWith(_ => _exited.TrySetResult(), TaskScheduler.Default);
            }

            return;
        }

        List<TaskCompletionSource<string>> matched;
        lock (_gate)
        {
            _lines.Enqueue(line);
            while (_lines.Count > KeptLines)
            {
                _lines.TryDequeue(out _);
            }

            matched = [.. _waiters.Where(w => w.Match(line)).Select(w => w.Seen)];
            _waiters.RemoveAll(w => matched.Contains(w.Seen));
        }

        foreach (var seen in matched)
        {
            seen.TrySetResult(line);
        }
    }
}
