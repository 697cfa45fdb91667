namespace Piazza.Core.Ports;

/// <summary>A name held by a connected identity: an account (its devices share the claim) or a guest (exclusive).</summary>
public sealed record NameClaim(string NameKey, string Name, string Identity, bool Registered);

public enum NameClaimStatus
{
    Claimed,

    /// <summary>Another identity holds the name.</summary>
    Taken,

    /// <summary>Another identity holds a name with the same skeleton (docs/security.md).</summary>
    LookAlike,

    /// <summary>The shared claims cannot be reached now (Redis down): nothing was claimed; the client may retry.</summary>
    Unavailable,
}

/// <summary>The outcome of a claim; <see cref="Holder"/> is the conflicting claim when refused.</summary>
public readonly record struct NameClaimResult(NameClaimStatus Status, NameClaim? Holder);

/// <summary>
/// Port: who is online under which name, server-wide (cluster-wide once shared). Enforces that no two identities
/// hold one name and, for new names, that no two hold look-alike names. One claim per connection; an account's
/// connections share theirs. In-process default: <see cref="Online.InProcessNameClaims"/>; a cluster implements it
/// over Redis. <see cref="Release"/> must not block (a shared implementation queues it).
/// </summary>
public interface INameClaims
{
    ValueTask<NameClaimResult> TryClaimAsync(NameClaim claim, string skeleton, bool refuseLookAlikes, CancellationToken cancellationToken = default);

    /// <summary>Gives back one connection's claim; the name is free when the identity's last connection releases it.</summary>
    void Release(NameClaim claim);

    /// <summary>Who holds a name (presence), or null.</summary>
    ValueTask<NameClaim?> FindAsync(string nameKey, CancellationToken cancellationToken = default);

    /// <summary>A held name with this skeleton but another name key, held by an identity other than <paramref name="exceptIdentity"/>.</summary>
    ValueTask<NameClaim?> FindLookAlikeAsync(string skeleton, string nameKey, string? exceptIdentity, CancellationToken cancellationToken = default);

    /// <summary>A guest registered its name: its claim now belongs to the account.</summary>
    ValueTask ReassignAsync(string nameKey, string fromIdentity, string toIdentity, CancellationToken cancellationToken = default);
}
