namespace Piazza.Core.Accounts;

/// <summary>
/// How password logins and registrations are throttled (docs/security.md). Addresses count per IPv4 address or
/// IPv6 /64. A rate of 0 turns that limit off. Immutable; bound as <c>Piazza:Hub:Login</c>.
/// </summary>
public sealed record LoginLimits
{
    /// <summary>Failed password logins one address may make for one account before each further try waits (1 s, doubling).</summary>
    public int FreeFailures { get; init; } = 5;

    /// <summary>The longest such wait.</summary>
    public TimeSpan MaxFailureDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed password logins one address may make per hour, every account together, once its burst is spent.</summary>
    public double AddressFailuresPerHour { get; init; } = 60;

    /// <summary>Failed password logins one address may make at once; when spent, it may try no password until the rate frees one.</summary>
    public int AddressFailureBurst { get; init; } = 20;

    /// <summary>
    /// Failed logins one account may take per hour, from every address, once its burst is spent; beyond it the account is
    /// under attack and every address that fails waits from its first failure (a clean address is never refused).
    /// </summary>
    public double AccountFailuresPerHour { get; init; } = 30;

    /// <summary>Failed logins one account may take at once before it counts as under attack.</summary>
    public int AccountFailureBurst { get; init; } = 20;

    /// <summary>Password logins, right or wrong, one address may start per minute once its burst is spent (each costs a hash).</summary>
    public double LoginsPerMinutePerAddress { get; init; } = 30;

    /// <summary>Password logins one address may start at once.</summary>
    public int LoginBurstPerAddress { get; init; } = 10;

    /// <summary>Accounts one address may register per hour once its burst is spent.</summary>
    public double RegistrationsPerHourPerAddress { get; init; } = 20;

    /// <summary>Accounts one address may register at once.</summary>
    public int RegistrationBurstPerAddress { get; init; } = 5;

    /// <summary>Password hashes that may wait for a hashing thread; when that many wait, logins and registrations are refused. 0: no bound.</summary>
    public int MaxQueuedHashes { get; init; } = 16;
}
