using Piazza.Core.Ports;

namespace Piazza.Core.Online;

/// <summary>The name claims of one server process: two maps under one short lock (memory only, never held across await).</summary>
public sealed class InProcessNameClaims : INameClaims
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Holder> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Holder>> _bySkeleton = new(StringComparer.Ordinal);

    private sealed class Holder(NameClaim claim, string skeleton)
    {
        public NameClaim Claim { get; set; } = claim;

        public string Skeleton { get; } = skeleton;

        public int Connections { get; set; } = 1;
    }

    public ValueTask<NameClaimResult> TryClaimAsync(NameClaim claim, string skeleton, bool refuseLookAlikes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_gate)
        {
            if (_byName.TryGetValue(claim.NameKey, out var held))
            {
                if (held.Claim.Registered && claim.Registered && held.Claim.Identity == claim.Identity)
                {
                    held.Connections++;
                    return ValueTask.FromResult(new NameClaimResult(NameClaimStatus.Claimed, null));
                }

                return ValueTask.FromResult(new NameClaimResult(NameClaimStatus.Taken, held.Claim));
            }

            // Checked here, under the lock, so two look-alike guests arriving together cannot both get in.
            if (refuseLookAlikes && LookAlikeLocked(skeleton, claim.NameKey, null) is { } lookAlike)
            {
                return ValueTask.FromResult(new NameClaimResult(NameClaimStatus.LookAlike, lookAlike));
            }

            var holder = new Holder(claim, skeleton);
            _byName[claim.NameKey] = holder;
            if (!_bySkeleton.TryGetValue(skeleton, out var holders))
            {
                _bySkeleton[skeleton] = holders = [];
            }

            holders.Add(holder);
            return ValueTask.FromResult(new NameClaimResult(NameClaimStatus.Claimed, null));
        }
    }

    public void Release(NameClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        lock (_gate)
        {
            if (!_byName.TryGetValue(claim.NameKey, out var held) || held.Claim.Identity != claim.Identity || --held.Connections > 0)
            {
                return;
            }

            _byName.Remove(claim.NameKey);
            if (_bySkeleton.TryGetValue(held.Skeleton, out var holders) && holders.Remove(held) && holders.Count == 0)
            {
                _bySkeleton.Remove(held.Skeleton);
            }
        }
    }

    public ValueTask<NameClaim?> FindAsync(string nameKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_byName.TryGetValue(nameKey, out var held) ? held.Claim : null);
        }
    }

    public ValueTask<NameClaim?> FindLookAlikeAsync(string skeleton, string nameKey, string? exceptIdentity, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(LookAlikeLocked(skeleton, nameKey, exceptIdentity));
        }
    }

    public ValueTask ReassignAsync(string nameKey, string fromIdentity, string toIdentity, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_byName.TryGetValue(nameKey, out var held) && held.Claim.Identity == fromIdentity)
            {
                held.Claim = held.Claim with { Identity = toIdentity, Registered = true };
            }
        }

        return ValueTask.CompletedTask;
    }

    private NameClaim? LookAlikeLocked(string skeleton, string nameKey, string? exceptIdentity)
    {
        if (_bySkeleton.TryGetValue(skeleton, out var holders))
        {
            foreach (var holder in holders)
            {
                if (holder.Claim.Identity != exceptIdentity && holder.Claim.NameKey != nameKey)
                {
                    return holder.Claim;
                }
            }
        }

        return null;
    }
}
