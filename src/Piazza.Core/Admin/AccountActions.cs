using Piazza.Core.Accounts;
using Piazza.Core.Cluster;
using Piazza.Core.Moderation;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Admin;

/// <summary>The account an admin operation names: it must exist, and the actor must be allowed to act on it (<see cref="AdminRule.MayActOn"/>).</summary>
internal static class AdminTargets
{
    public static async Task<HubResult<AccountRecord>> AccountAsync(ModerationContext context, ChatSession actor, string? name, string verb, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            return new HubError(ErrorCode.BadRequest, "\"user\" is required");
        }

        if (!UserNamePolicy.IsValid(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var store = context.Hub.Store;
        if (await store.FindAccountAsync(UserNamePolicy.Fold(name), cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return new HubError(ErrorCode.NoSuchUser, $"there is no account '{name}'");
        }

        if (!AdminRule.MayActOn(actor, await store.IsAdminAsync(account.Key, cancellationToken).ConfigureAwait(false)))
        {
            return new HubError(ErrorCode.Forbidden, $"admins cannot {verb} admins; take admin away first (piazza-server admin remove)");
        }

        return HubResult<AccountRecord>.Ok(account);
    }
}

/// <summary>
/// Resets a password: a random temporary one (shown once to the admin) hashed as every password is, every token of
/// the account revoked and its live sessions ended on every node (the revocation signal a password change sends).
/// </summary>
internal sealed class ResetPasswordAction(AccountService accounts) : ModerationAction<PasswordReset>
{
    public override async Task<HubResult<ModerationPlan<PasswordReset>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (AdminRule.Refuse(actor) is { } refused)
        {
            return refused;
        }

        var target = await AdminTargets.AccountAsync(context, actor!, request.User, "reset the password of", cancellationToken).ConfigureAwait(false);
        if (target.Value is not { } account)
        {
            return target.Error!;
        }

        var password = AccountService.NewTemporaryPassword();
        return HubResult<ModerationPlan<PasswordReset>>.Ok(new(new PasswordReset(account.Name, password))
        {
            Persist = async ct =>
            {
                await accounts.ReplacePasswordAsync(account.Key, password, ct).ConfigureAwait(false);
                return null;
            },
            Effect = () => new CredentialsRevokedSignal(account.Key, null, null, "a server admin reset the account's password: log in with the new one"),
            Audit = new AuditEntry(actor!.Name, "password-reset", account.Name, null, request.Reason, "every token revoked"),
        });
    }
}

/// <summary>
/// Disables (no login, no token works, live sessions end on every node at once) or enables an account. Tokens are
/// not revoked: enabling gives the account back as it was. Doing it twice is not an error.
/// </summary>
internal sealed class AccountDisabledAction(bool disabled) : ModerationAction<string>
{
    public override async Task<HubResult<ModerationPlan<string>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (AdminRule.Refuse(actor) is { } refused)
        {
            return refused;
        }

        var target = await AdminTargets.AccountAsync(context, actor!, request.User, disabled ? "disable" : "enable", cancellationToken).ConfigureAwait(false);
        if (target.Value is not { } account)
        {
            return target.Error!;
        }

        return HubResult<ModerationPlan<string>>.Ok(new(account.Name)
        {
            Persist = async ct => await context.Hub.Store.SetAccountDisabledAsync(account.Key, disabled, ct).ConfigureAwait(false)
                ? null
                : new HubError(ErrorCode.NoSuchUser, $"there is no account '{account.Name}'"),
            Effect = disabled ? () => new CredentialsRevokedSignal(account.Key, null, null, "a server admin disabled this account") : null,
            Audit = new AuditEntry(actor!.Name, disabled ? "disable" : "enable", account.Name, null, request.Reason, null),
        });
    }
}
