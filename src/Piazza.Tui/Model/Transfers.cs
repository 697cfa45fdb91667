using System.Globalization;
using Piazza.Client;

namespace Piazza.Tui;

/// <summary>
/// The uploads and downloads running, with their progress, without any view: the status line shows
/// <see cref="Status"/>. Not thread-safe; touched on the state's thread only.
/// </summary>
internal sealed class Transfers
{
    /// <summary>Cells of the text progress bar.</summary>
    private const int ProgressBarWidth = 16;

    private readonly List<Transfer> _running = [];

    /// <summary>A transfer started, progressed or ended.</summary>
    public event Action? Changed;

    public int Count => _running.Count;

    /// <summary>The newest transfer's progress line, or empty when none runs.</summary>
    public string Status => _running.Count == 0 ? "" : Format(_running[^1].Arrow, _running[^1].Name, _running[^1].Progress, _running.Count - 1);

    /// <summary>Starts tracking a transfer: <paramref name="arrow"/> is ↑ for uploads, ↓ for downloads.</summary>
    public Transfer Start(string arrow, string name)
    {
        var transfer = new Transfer(arrow, name);
        _running.Add(transfer);
        Changed?.Invoke();
        return transfer;
    }

    public void Report(Transfer transfer, TransferProgress progress)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        transfer.Progress = progress;
        Changed?.Invoke();
    }

    public void End(Transfer transfer)
    {
        ArgumentNullException.ThrowIfNull(transfer);
        _running.Remove(transfer);
        transfer.Cancel.Dispose();
        Changed?.Invoke();
    }

    /// <summary>Cancels every running transfer; false when none runs.</summary>
    public bool CancelAll()
    {
        foreach (var transfer in _running)
        {
            transfer.Cancel.Cancel();
        }

        return _running.Count > 0;
    }

    /// <summary>
    /// A transfer on the status line: <c>↑ photo.png ████████░░░░░░░░  52% 5.2 MB/10.0 MB · /cancel</c>, with how many
    /// others run and, while waiting to retry, why.
    /// </summary>
    public static string Format(string arrow, string name, TransferProgress progress, int others)
    {
        var more = others > 0 ? $" (+{others} more)" : "";
        if (progress.Total < 0 && progress.Retrying is null)
        {
            // Before the first report: an upload is hashing the file, a download waits for the server's answer.
            return $"{arrow} {name} starting…{more} · /cancel";
        }

        var filled = (int)Math.Round(progress.Fraction * ProgressBarWidth);
        var bar = new string('█', filled) + new string('░', ProgressBarWidth - filled);
        var amount = progress.Total < 0 ? ChatLine.FormatSize(progress.Done) : $"{ChatLine.FormatSize(progress.Done)}/{ChatLine.FormatSize(progress.Total)}";
        var state = progress.Retrying is { } why ? $" · {why}" : "";
        var percent = string.Create(CultureInfo.InvariantCulture, $"{progress.Fraction * 100,3:0}%");
        return $"{arrow} {name} {bar} {percent} {amount}{more}{state} · /cancel";
    }

    /// <summary>One running upload or download.</summary>
    internal sealed class Transfer(string arrow, string name)
    {
        public string Arrow { get; } = arrow;

        public string Name { get; } = name;

        public CancellationTokenSource Cancel { get; } = new();

        public TransferProgress Progress { get; set; } = new(0, -1);
    }
}
