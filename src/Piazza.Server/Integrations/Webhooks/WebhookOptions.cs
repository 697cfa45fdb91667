namespace Piazza.Server.Integrations.Webhooks;

/// <summary>Outgoing webhooks (docs/http-api.md, "Webhooks"): where they may POST, and how failed deliveries are retried.</summary>
public sealed record WebhookOptions
{
    /// <summary>Destinations outgoing webhooks may reach (<see cref="WebhookDestinations"/>); empty: outgoing webhooks are off.</summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>The wait before the first retry; each further one waits twice as long, at most <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Attempts at one delivery before it is given up on and recorded as failed: 10 with the 2 s default is about 13.5 minutes of trying.</summary>
    public int MaxAttempts { get; init; } = 10;

    /// <summary>
    /// How often every outgoing webhook is looked at, for messages other nodes stored and retries that came due; a
    /// message stored on this node wakes the worker at once.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1, after <paramref name="attempt"/> failed ones.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
    }
}
