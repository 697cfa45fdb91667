namespace Piazza.Client;

/// <summary>How a <see cref="FileTransferClient"/> moves files. Immutable; every default is stated.</summary>
public sealed record FileTransferOptions
{
    /// <summary>Bytes per tus PATCH; each chunk carries its own SHA-256 checksum. Default 4 MiB.</summary>
    public int ChunkSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>First wait after a failed request; doubles per failure up to <see cref="MaxBackoff"/>. Default 0.5 s.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between retries. Default 15 s.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Failures in a row (no byte of progress in between) before a transfer gives up. Default 10: with the default
    /// backoff that rides out about a minute and a half without the server, e.g. a restart.
    /// </summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>Longest a single request may take (a chunk at a slow link included). Default 2 minutes.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>How far a transfer is: <see cref="Done"/> of <see cref="Total"/> bytes.</summary>
public readonly record struct TransferProgress(long Done, long Total)
{
    /// <summary>Set while the transfer waits to retry after a failure: what went wrong and when it tries again.</summary>
    public string? Retrying { get; init; }

    /// <summary>0 to 1; an empty file counts as done.</summary>
    public double Fraction => Total <= 0 ? 1 : Math.Clamp((double)Done / Total, 0, 1);
}

/// <summary>A finished upload: the file id to put in a <c>send</c>, and what was sent.</summary>
public sealed record UploadResult(string FileId, string Name, long Size, string Sha256);

/// <summary>A finished download: where the file was written and what the server called it.</summary>
public sealed record DownloadResult(string Path, string? Name, long Size);
