using Npgsql;
using Piazza.Server.Options;

namespace Piazza.Server.Cluster;

/// <summary>
/// The rules of the cluster options, checked at start: both connection strings must parse (their text is never
/// echoed: it may hold a password), and Redis needs PostgreSQL (nodes that share signals must share the store).
/// </summary>
public static class ClusterSettings
{
    public static IEnumerable<string> Problems(ClusterOptions cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Postgres is { } postgres && ParsePostgres(postgres) is { } postgresProblem)
        {
            yield return $"invalid --postgres: {postgresProblem}";
        }

        if (cluster.Redis is { } redis && ParseRedis(redis) is { } redisProblem)
        {
            yield return $"invalid --redis: {redisProblem}";
        }

        if (cluster.Redis is not null && cluster.Postgres is null)
        {
            yield return "--redis needs --postgres: the nodes of a cluster share one PostgreSQL store";
        }
    }

    private static string? ParsePostgres(string value)
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(value);
            return string.IsNullOrWhiteSpace(parsed.Host) ? "it names no Host (an Npgsql connection string: Host=…;Port=…;Username=…;Database=…)" : null;
        }
        catch (ArgumentException ex)
        {
            return $"not an Npgsql connection string ({ex.Message.Split('\n')[0].TrimEnd('.')})";
        }
    }

    private static string? ParseRedis(string value)
    {
        try
        {
            var parsed = StackExchange.Redis.ConfigurationOptions.Parse(value);
            return parsed.EndPoints.Count == 0 ? "it names no endpoint (HOST:PORT[,password=…])" : null;
        }
        catch (ArgumentException ex)
        {
            return $"not a StackExchange.Redis configuration string ({ex.Message.Split('\n')[0].TrimEnd('.')})";
        }
    }
}
