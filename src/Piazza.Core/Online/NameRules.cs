using Piazza.Core.Ports;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Online;

/// <summary>The rules a user name must pass when it is taken now (guest hello, registration), beyond its syntax.</summary>
internal sealed class NameRules(IChatStore store, INameClaims claims)
{
    public static HubError Confusable(string name, string existing)
        => new(ErrorCode.NameConfusable, $"'{name}' looks too much like '{existing}', which is taken; choose a more distinct name");

    /// <summary>A single look-alike script, and no account or online user with the same skeleton under another name.</summary>
    public async Task<HubError?> CheckNewUserNameAsync(string name, string nameKey, string? selfIdentity, CancellationToken cancellationToken)
    {
        if (!UserNamePolicy.IsAcceptableNew(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var skeleton = NameSkeleton.Of(name);
        if (await store.FindConfusableAccountAsync(skeleton, nameKey, cancellationToken).ConfigureAwait(false) is { } account)
        {
            return Confusable(name, account);
        }

        return await claims.FindLookAlikeAsync(skeleton, nameKey, selfIdentity, cancellationToken).ConfigureAwait(false) is { } online
            ? Confusable(name, online.Name)
            : null;
    }
}
