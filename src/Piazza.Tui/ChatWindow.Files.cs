using Piazza.Client;

namespace Piazza.Tui;

/// <summary>File sharing in the window: /upload, /download and /cancel, with their progress on the status line.</summary>
internal sealed partial class ChatWindow
{
    /// <summary>Cells of the text progress bar on the status line.</summary>
    private const int ProgressBarWidth = 16;

    private readonly List<Transfer> _transfers = [];
    private FileTransferClient? _files;

    /// <summary>The transfers running, for tests.</summary>
    internal int TransferCount => _transfers.Count;

    private void Upload(ConversationState conversation, string path)
    {
        var full = LocalPath(path);
        if (!File.Exists(full))
        {
            _state.AddError($"no such file: {full}");
            return;
        }

        if (FileTransfers() is not { } files)
        {
            return;
        }

        var transfer = StartTransfer("↑", Path.GetFileName(full));
        _ = RunTransferAsync(transfer, "upload", async cancel =>
        {
            var uploaded = await files.UploadFileAsync(full, p => Post(() => ShowProgress(transfer, p)), cancel).ConfigureAwait(false);
            // The shared message (with name, size and id) is the confirmation: it arrives like every message.
            _ = conversation.IsPrivate
                ? await _client.SendFileToAsync(conversation.Peer ?? conversation.Id, uploaded.FileId, cancellationToken: cancel).ConfigureAwait(false)
                : await _client.SendFileAsync(uploaded.FileId, conversation.Id, cancellationToken: cancel).ConfigureAwait(false);
        });
    }

    private void Download(string fileId, string? destination)
    {
        if (FileTransfers() is not { } files)
        {
            return;
        }

        var known = _state.FindFile(fileId);
        var target = destination is null ? Directory.GetCurrentDirectory() : LocalPath(destination);
        var transfer = StartTransfer("↓", known?.Name ?? fileId);
        _ = RunTransferAsync(transfer, "download", async cancel =>
        {
            var saved = await files.DownloadAsync(fileId, target, p => Post(() => ShowProgress(transfer, p)), known?.Sha256, cancel).ConfigureAwait(false);
            Post(() => _state.AddSystem($"saved {saved.Name ?? fileId} ({ChatLine.FormatSize(saved.Size)}) to {saved.Path}"));
        });
    }

    private void CancelTransfers()
    {
        if (_transfers.Count == 0)
        {
            _state.AddSystem("no transfer is running");
            return;
        }

        foreach (var transfer in _transfers)
        {
            transfer.Cancel.Cancel();
        }
    }

    /// <summary>The session's transfer client, made on first use; null (with the reason shown) for a guest or a server without HTTP.</summary>
    private FileTransferClient? FileTransfers()
    {
        try
        {
            return _files ??= _client.CreateFileTransfer();
        }
        catch (PiazzaException ex)
        {
            _state.AddError(ex.Message);
            return null;
        }
    }

    private Transfer StartTransfer(string arrow, string name)
    {
        var transfer = new Transfer(arrow, name);
        _transfers.Add(transfer);
        UpdateStatus(_client.State, _lastDetail);
        return transfer;
    }

    private async Task RunTransferAsync(Transfer transfer, string what, Func<CancellationToken, Task> run)
    {
        try
        {
            await run(transfer.Cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (transfer.Cancel.IsCancellationRequested)
        {
            Post(() => _state.AddSystem($"{what} of {transfer.Name} cancelled"));
        }
        catch (Exception ex) when (ex is FileTransferException or PiazzaException or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            Post(() => _state.AddError($"{what} of {transfer.Name} failed: {ex.Message}"));
        }
        finally
        {
            Post(() =>
            {
                _transfers.Remove(transfer);
                transfer.Cancel.Dispose();
                UpdateStatus(_client.State, _lastDetail);
            });
        }
    }

    private void ShowProgress(Transfer transfer, TransferProgress progress)
    {
        transfer.Progress = progress;
        UpdateStatus(_client.State, _lastDetail);
    }

    /// <summary>The newest transfer's progress line, or empty when none runs.</summary>
    private string TransferStatus()
        => _transfers.Count == 0 ? "" : FormatTransfer(_transfers[^1].Arrow, _transfers[^1].Name, _transfers[^1].Progress, _transfers.Count - 1);

    /// <summary>
    /// A transfer on the status line: <c>↑ photo.png ████████░░░░░░░░  52% 5.2 MB/10.0 MB · /cancel</c>, with how many
    /// others run and, while waiting to retry, why.
    /// </summary>
    internal static string FormatTransfer(string arrow, string name, TransferProgress progress, int others)
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
        var percent = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{progress.Fraction * 100,3:0}%");
        return $"{arrow} {name} {bar} {percent} {amount}{more}{state} · /cancel";
    }

    private void DisposeTransfers()
    {
        foreach (var transfer in _transfers)
        {
            transfer.Cancel.Cancel();
        }

        _files?.Dispose();
    }

    /// <summary>A typed path: <c>~</c> is the home folder, relative paths start in the current folder.</summary>
    private static string LocalPath(string path)
        => Path.GetFullPath(path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path);

    /// <summary>One running upload or download (UI thread only).</summary>
    private sealed class Transfer(string arrow, string name)
    {
        public string Arrow { get; } = arrow;

        public string Name { get; } = name;

        public CancellationTokenSource Cancel { get; } = new();

        public TransferProgress Progress { get; set; } = new(0, -1);
    }
}
