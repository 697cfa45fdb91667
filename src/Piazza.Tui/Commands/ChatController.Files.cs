using Piazza.Client;

namespace Piazza.Tui;

/// <summary>/upload, /download and /cancel: transfers tracked in <see cref="Transfers"/> while they run.</summary>
internal sealed partial class ChatController
{
    private FileTransferClient? _files;

    /// <summary>The transfers running (state thread only).</summary>
    public Transfers Transfers { get; } = new();

    public void Dispose()
    {
        Transfers.CancelAll();
        _files?.Dispose();
    }

    private async Task<CommandResult> UploadAsync(ConversationState conversation, string path, CancellationToken cancellationToken)
    {
        var full = LocalPath(path);
        if (!File.Exists(full))
        {
            return Error($"no such file: {full}");
        }

        if (FileTransfers() is not { } files)
        {
            return CommandResult.Done;
        }

        return await RunTransferAsync("↑", Path.GetFileName(full), "upload", cancellationToken, async (report, cancel) =>
        {
            var uploaded = await files.UploadFileAsync(full, report, cancel).ConfigureAwait(false);
            // The shared message (with name, size and id) is the confirmation: it arrives like every message. A group
            // is named by its id, as a room is (the server accepts a private id in "room").
            _ = conversation.IsPrivate && !conversation.IsGroup
                ? await client.SendPrivateFileAsync(conversation.Peer ?? conversation.Id, uploaded.FileId, cancellationToken: cancel).ConfigureAwait(false)
                : await client.SendFileAsync(conversation.Id, uploaded.FileId, cancellationToken: cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Ambiguous matches listed after "ambiguous: …": enough to pick one, short enough for a line.</summary>
    private const int AmbiguousShown = 5;

    /// <summary>
    /// Downloads the file whose id starts with <paramref name="typed"/> among the files seen this session (a short id,
    /// as git takes a commit's); an id matching none goes to the server as it is (a full id from elsewhere).
    /// </summary>
    private async Task<CommandResult> DownloadAsync(string typed, string? destination, CancellationToken cancellationToken)
    {
        var matches = host.Read(() => state.MatchFiles(typed).Select(f => (File: f, Shown: state.ShortFileId(f.Id))).ToList());
        if (matches.Count > 1)
        {
            var listed = string.Join(", ", matches.Take(AmbiguousShown).Select(m => $"{m.Shown} {m.File.Name ?? "?"}"));
            var more = matches.Count > AmbiguousShown ? ", …" : "";
            return Error($"ambiguous: {typed} matches {matches.Count} files: {listed}{more}");
        }

        if (FileTransfers() is not { } files)
        {
            return CommandResult.Done;
        }

        var known = matches.Count == 1 ? matches[0].File : null;
        var fileId = known?.Id ?? typed;
        var target = destination is null ? Directory.GetCurrentDirectory() : LocalPath(destination);
        return await RunTransferAsync("↓", known?.Name ?? fileId, "download", cancellationToken, async (report, cancel) =>
        {
            DownloadResult saved;
            try
            {
                saved = await files.DownloadAsync(fileId, target, report, known?.Sha256, cancel).ConfigureAwait(false);
            }
            catch (PiazzaException ex) when (known is null && ex.Code == Piazza.Protocol.ErrorCode.NotFound)
            {
                host.Post(() => state.AddError($"no file with id {typed} (a file shared before this session needs its full id)"));
                return;
            }

            host.Post(() => state.AddSystem($"saved {saved.Name ?? fileId} ({ChatLine.FormatSize(saved.Size)}) to {saved.Path}"));
        }).ConfigureAwait(false);
    }

    /// <summary>Runs a transfer tracked in <see cref="Transfers"/> (cancelled by /cancel or <paramref name="cancellationToken"/>).</summary>
    private async Task<CommandResult> RunTransferAsync(string arrow, string name, string what, CancellationToken cancellationToken, Func<Action<TransferProgress>, CancellationToken, Task> run)
    {
        var transfer = host.Read(() => Transfers.Start(arrow, name));
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(transfer.Cancel.Token, cancellationToken);
        try
        {
            await run(progress => host.Post(() => Transfers.Report(transfer, progress)), cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (transfer.Cancel.IsCancellationRequested)
        {
            host.Post(() => state.AddSystem($"{what} of {name} cancelled"));
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or UnauthorizedAccessException or HttpRequestException)
        {
            host.Post(() => state.AddError($"{what} of {name} failed: {ex.Message}"));
        }
        finally
        {
            host.Post(() => Transfers.End(transfer));
        }

        return CommandResult.Done;
    }

    /// <summary>The session's transfer client, made on first use; null (with the reason shown) for a guest or a server without HTTP.</summary>
    private FileTransferClient? FileTransfers()
    {
        try
        {
            return _files ??= client.CreateFileTransfer();
        }
        catch (PiazzaException ex)
        {
            Error(ex.Message);
            return null;
        }
    }

    /// <summary>A typed path: <c>~</c> is the home folder, relative paths start in the current folder.</summary>
    private static string LocalPath(string path)
        => Path.GetFullPath(path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/'))
            : path);
}
