using System.Collections.Concurrent;
using Piazza.Core.Ports;
using Piazza.Protocol;

namespace Piazza.Core.Online;

/// <summary>
/// The users connected to this process with their sessions, indexed by folded name and by identity key, so a
/// private send or a moderation lookup is one dictionary read (no lock, no scan). Names are claimed through
/// <see cref="INameClaims"/>, which decides uniqueness and look-alikes; writes to both indexes happen under one lock.
/// </summary>
internal sealed class OnlineDirectory(INameClaims claims, TimeProvider time)
{
    private readonly Lock _writes = new();
    private readonly ConcurrentDictionary<string, ChatUser> _byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChatUser> _byIdentity = new(StringComparer.Ordinal);

    public INameClaims Claims { get; } = claims;

    /// <summary>A user's last connection here went (after their claim was released).</summary>
    public event Action<ChatUser>? WentOffline;

    /// <summary>Every live session, in no particular order.</summary>
    public IReadOnlyList<ChatSession> Sessions => [.. _byName.Values.SelectMany(u => u.Sessions)];

    public ChatUser? FindByName(string nameKey) => _byName.GetValueOrDefault(nameKey);

    /// <summary>An online user by identity key (<see cref="IdentityKey"/>).</summary>
    public ChatUser? FindByIdentity(string identityKey) => _byIdentity.GetValueOrDefault(identityKey);

    /// <summary>
    /// Claims the name for this connection (shared by an account's devices, exclusive for a guest) and adds a session
    /// to the user, creating the user on its first connection.
    /// </summary>
    public async Task<HubResult<ChatSession>> AdmitAsync(
        string name, bool registered, bool isAdmin, IChatConnection connection, string? token, bool refuseLookAlikes, CancellationToken cancellationToken)
    {
        var nameKey = UserNamePolicy.Fold(name);
        // A guest's key is new at every login, so nothing an earlier guest of this name had is reachable.
        var claim = new NameClaim(nameKey, name, registered ? IdentityKey.OfAccount(nameKey) : IdentityKey.NewGuest(nameKey), registered);
        var claimed = await Claims.TryClaimAsync(claim, NameSkeleton.Of(name), refuseLookAlikes, cancellationToken).ConfigureAwait(false);
        switch (claimed.Status)
        {
            case NameClaimStatus.Taken:
                return new HubError(ErrorCode.NameTaken, $"'{name}' is already connected");
            case NameClaimStatus.LookAlike:
                return NameRules.Confusable(name, claimed.Holder!.Name);
            case NameClaimStatus.Unavailable:
                return new HubError(ErrorCode.Unavailable, "names cannot be checked right now (the cluster's Redis is unreachable); try again shortly", TimeSpan.FromSeconds(5));
        }

        ChatSession session;
        lock (_writes)
        {
            if (!_byName.TryGetValue(nameKey, out var user))
            {
                user = new ChatUser(name, registered, claim.Identity);
                _byName[nameKey] = user;
                _byIdentity[user.Key] = user;
            }

            user.IsAdmin = isAdmin;
            session = new ChatSession(user, connection, time.GetUtcNow(), token) { Claim = claim };
            user.AddSession(session);
        }

        return HubResult<ChatSession>.Ok(session);
    }

    /// <summary>Removes a session; the user goes offline with its last one. Sessions never admitted are ignored.</summary>
    public void Remove(ChatSession session)
    {
        if (session.Claim is not { } claim)
        {
            return; // a request session (HTTP): never online
        }

        var user = session.User;
        var offline = false;
        lock (_writes)
        {
            if (user.RemoveSession(session) == 0 && _byName.TryGetValue(user.NameKey, out var current) && current == user)
            {
                _byName.TryRemove(user.NameKey, out _);
                _byIdentity.TryRemove(user.Key, out _);
                offline = true;
            }
        }

        Claims.Release(claim with { Identity = user.Key, Registered = user.IsRegistered });
        if (offline)
        {
            WentOffline?.Invoke(user);
        }
    }

    /// <summary>A guest registered its name: it is found under the account's key from now on.</summary>
    public async Task BecameRegisteredAsync(ChatUser user, string guestKey, CancellationToken cancellationToken)
    {
        lock (_writes)
        {
            _byIdentity.TryRemove(guestKey, out _);
            _byIdentity[user.Key] = user;
        }

        await Claims.ReassignAsync(user.NameKey, guestKey, user.Key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Admin rights changed for an account: its online user (if any) follows at once.</summary>
    public void SetAdmin(string accountKey, bool admin)
    {
        if (FindByIdentity(accountKey) is { IsRegistered: true } user)
        {
            user.IsAdmin = admin;
        }
    }
}
