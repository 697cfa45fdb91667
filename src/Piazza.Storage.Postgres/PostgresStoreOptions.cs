using System.Data.Common;
using Npgsql;

namespace Piazza.Storage.Postgres;

/// <summary>Where and how <see cref="PostgresChatStore"/> reaches PostgreSQL. Immutable.</summary>
public sealed record PostgresStoreOptions
{
    /// <summary>
    /// An Npgsql connection string (<c>Host=…;Port=…;Username=…;Password=…;Database=…</c>). Settings it leaves out
    /// get the store's defaults (<see cref="DefaultConnectTimeoutSeconds"/>, <see cref="DefaultCommandTimeoutSeconds"/>,
    /// <c>Application Name=piazza</c>); settings it gives are kept as they are.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// Seconds to wait for a connection (Npgsql <c>Timeout</c>, its default is 15): a refused connection fails at once
    /// anyway, this bounds a host that does not answer, so a send fails with <c>unavailable</c> instead of hanging.
    /// </summary>
    public const int DefaultConnectTimeoutSeconds = 5;

    /// <summary>Seconds a statement may run (Npgsql <c>Command Timeout</c>, its default is 30).</summary>
    public const int DefaultCommandTimeoutSeconds = 15;

    /// <summary>
    /// The connection string with the store's defaults filled in where the user gave none. Throws
    /// <see cref="ArgumentException"/> with a one-line message (never the password) when it is not a valid Npgsql
    /// connection string.
    /// </summary>
    internal NpgsqlConnectionStringBuilder Build()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ConnectionString);
        NpgsqlConnectionStringBuilder builder;
        HashSet<string> given;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            given = [.. new DbConnectionStringBuilder { ConnectionString = ConnectionString }.Keys.Cast<string>().Select(Normalize)];
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {OneLine(e.Message)}", nameof(ConnectionString), e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException("The PostgreSQL connection string names no Host.", nameof(ConnectionString));
        }

        if (!given.Contains("timeout"))
        {
            builder.Timeout = DefaultConnectTimeoutSeconds;
        }

        if (!given.Contains("commandtimeout"))
        {
            builder.CommandTimeout = DefaultCommandTimeoutSeconds;
        }

        if (!given.Contains("applicationname"))
        {
            builder.ApplicationName = "piazza";
        }

        return builder;
    }

    private static string Normalize(string key) => key.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();

    internal static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
