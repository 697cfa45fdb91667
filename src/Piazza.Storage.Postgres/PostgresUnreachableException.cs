namespace Piazza.Storage.Postgres;

/// <summary>
/// PostgreSQL could not be reached or refused the connection when the store started. The message is one line that
/// names the host, port and database and the reason (never the password), fit to print before exiting.
/// </summary>
public sealed class PostgresUnreachableException : Exception
{
    public PostgresUnreachableException()
    {
    }

    public PostgresUnreachableException(string message)
        : base(message)
    {
    }

    public PostgresUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
