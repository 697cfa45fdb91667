using Piazza.Core.Storage;

namespace Piazza.Storage.Sqlite;

public sealed partial class SqliteChatStore
{
    /// <summary>Every figure of <see cref="StoreCounts"/> in one statement, so they are read from one snapshot.</summary>
    private const string CountSql = """
        SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM rooms), (SELECT count(DISTINCT conversation) FROM private_participants),
               (SELECT count(*) FROM accounts), (SELECT count(*) FROM files);
        """;

    public async Task<StoreCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        var rows = await ReadAsync(CountSql, _ => { }, r => new StoreCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), cancellationToken).ConfigureAwait(false);
        return rows[0];
    }
}
