namespace Piazza.Server.Doors.Files;

/// <summary>
/// Exclusive locks that hold between processes, and so between nodes sharing the files folder: a lock file opened
/// with <see cref="FileShare.None"/>, which .NET turns into <c>flock(LOCK_EX | LOCK_NB)</c> on Unix (honoured across
/// NFS clients, where Linux maps it to a byte-range lock) and into a sharing mode on Windows. The kernel drops the
/// lock when its holder dies, so a SIGKILLed node never leaves an upload locked.
/// </summary>
public static class FolderLock
{
    /// <summary>The wait between tries while another process holds a lock (its critical sections are short).</summary>
    private static readonly TimeSpan Retry = TimeSpan.FromMilliseconds(5);

    /// <summary>Exactly <see cref="FileShare.None"/> on Unix (anything else is a shared lock); Windows must also let the holder delete it.</summary>
    private static readonly FileShare Exclusive = OperatingSystem.IsWindows() ? FileShare.Delete : FileShare.None;

    /// <summary>Takes the lock of <paramref name="path"/> (creating the file owner-only), or null when another holder has it.</summary>
    /// <exception cref="IOException">The file cannot be opened for another reason (a missing folder, permissions).</exception>
    public static FileStream? TryTake(string path)
    {
        var open = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = Exclusive };
        if (!OperatingSystem.IsWindows())
        {
            open.UnixCreateMode = DataFolder.OwnerOnlyFile;
        }

        try
        {
            return new FileStream(path, open);
        }
        catch (IOException ex) when (IsHeldElsewhere(ex))
        {
            return null;
        }
    }

    /// <summary>Takes the lock, waiting (polling) while another process holds it.</summary>
    public static async Task<FileStream> TakeAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(path) is { } held)
            {
                return held;
            }

            await Task.Delay(Retry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether file locking is switched off for this process (then nodes cannot exclude each other).</summary>
    public static bool IsDisabled => Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true";

    /// <summary>EWOULDBLOCK from flock (11 on Linux, 35 on macOS); ERROR_SHARING_VIOLATION (32) / ERROR_LOCK_VIOLATION (33) on Windows.</summary>
    private static bool IsHeldElsewhere(IOException ex)
        => ex is not (FileNotFoundException or DirectoryNotFoundException or PathTooLongException) && (ex.HResult & 0xFFFF) is 11 or 35 or 32 or 33;
}
