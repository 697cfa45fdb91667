using System.Data.Common;
using Piazza.Core.Ports;

namespace Piazza.Core.Storage;

/// <summary>
/// The one rule for a store that fails under a request: any ADO.NET error (PostgreSQL restarting, a locked or broken
/// SQLite file) or <see cref="StoreUnavailableException"/> is answered <c>unavailable</c> and the connection stays
/// open; what a request had done in memory before it is undone by the store's transaction, not by the door.
/// </summary>
public static class StoreFaults
{
    public const string Message = "the server's store cannot be reached right now; nothing was done; try again shortly";

    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DbException or StoreUnavailableException)
            {
                return true;
            }
        }

        return false;
    }
}
