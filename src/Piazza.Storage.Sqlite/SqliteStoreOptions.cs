namespace Piazza.Storage.Sqlite;

/// <summary>Where and how <see cref="SqliteChatStore"/> keeps its database. Immutable.</summary>
public sealed record SqliteStoreOptions
{
    /// <summary>
    /// The database file. Created (with its folder) when missing. Required; must be a real file because readers use
    /// their own pooled connections (no <c>:memory:</c>).
    /// </summary>
    public required string Path { get; init; }

    /// <summary>
    /// <c>true</c> (default): <c>synchronous=FULL</c>, a completed append survives a process kill and a power loss.
    /// <c>false</c>: <c>synchronous=NORMAL</c>, faster; still survives a process kill, but the last commits may be
    /// lost on power loss (WAL mode never corrupts the file either way).
    /// </summary>
    public bool SynchronousFull { get; init; } = true;

    /// <summary>
    /// How long a statement waits for a lock held by another connection (another process, or a checkpoint) before
    /// failing with SQLITE_BUSY. Default 5 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
