using Microsoft.Extensions.Logging;

namespace Piazza.Server;

/// <summary>
/// The data folder holds password hashes, tokens, private messages and shared files, so whatever the server creates
/// there is for its own user only: folders 0700, files 0600 (the database before SQLite opens it, so its -wal and -shm
/// files, which SQLite creates with the database's mode, follow). An existing folder is left as the operator set it,
/// with one warning line when others can read it.
/// </summary>
public static partial class DataFolder
{
    public const string DatabaseFile = "piazza.db";

    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupAndOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>
    /// Whether <paramref name="folder"/> holds a Piazza database a server has started on (its file, or in WAL mode its
    /// log, has content): <c>admin</c> refuses other folders, since an empty one would answer "no admins".
    /// </summary>
    public static bool HoldsDatabase(string folder)
    {
        var database = Path.Combine(folder, DatabaseFile);
        return new FileInfo(database) is { Exists: true, Length: > 0 } || new FileInfo(database + "-wal") is { Exists: true, Length: > 0 };
    }

    /// <summary>Creates the folder and an empty database owner-only when missing; warns when an existing one is open to others.</summary>
    public static void Prepare(string folder, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var database = Path.Combine(folder, DatabaseFile);
        if (OperatingSystem.IsWindows())
        {
            // NTFS ACLs inherit from the parent (the user's profile, typically); no mode bits to set.
            Directory.CreateDirectory(folder);
            return;
        }

        var existed = Directory.Exists(folder);
        CreateFolder(folder);
        var folderMode = File.GetUnixFileMode(folder);
        var databaseMode = File.Exists(database) ? File.GetUnixFileMode(database) : (UnixFileMode?)null;
        if (databaseMode is null)
        {
            // An empty file is an empty SQLite database: created here, it has our mode from its first byte.
            using var _ = CreateFile(database);
        }

        if (existed && ((folderMode & GroupAndOthers) != 0 || (databaseMode is { } mode && (mode & GroupAndOthers) != 0)))
        {
            OpenToOthers(logger, Path.GetFullPath(folder), Octal(folderMode), databaseMode is { } shown ? Octal(shown) : "not there yet");
        }
    }

    /// <summary>Creates a folder (and missing parents) owner-only; an existing one is left as it is.</summary>
    public static void CreateFolder(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            // Directory.CreateDirectory(path, mode) gives the mode to the last folder only; missing parents get it too.
            var missing = new Stack<string>();
            for (var path = Path.GetFullPath(folder); !Directory.Exists(path); path = Path.GetDirectoryName(path)!)
            {
                missing.Push(path);
            }

            while (missing.TryPop(out var path))
            {
                Directory.CreateDirectory(path, OwnerOnlyFolder);
            }
        }
    }

    /// <summary>Creates (or truncates) a file for writing, owner-only when it is created.</summary>
    public static FileStream CreateFile(string path, FileOptions options = FileOptions.None)
    {
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None, Options = options };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = OwnerOnlyFile;
        }

        return new FileStream(path, create);
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');

    [LoggerMessage(50, LogLevel.Warning, "The data folder {Folder} (mode {FolderMode}, " + DatabaseFile + " {DatabaseMode}) is open to other users, and it holds password hashes and private messages: chmod 700 it and 600 its files")]
    private static partial void OpenToOthers(ILogger logger, string folder, string folderMode, string databaseMode);
}
