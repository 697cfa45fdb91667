using Piazza.Core.Accounts;
using Piazza.Core.Cluster;
using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>
/// Makes an account a server admin, creating it with <paramref name="password"/> when it does not exist (for
/// <c>piazza-server admin create</c>). The result says whether the account was created.
/// </summary>
internal sealed class GrantAdminAction(AccountService accounts, string? password) : ModerationAction<bool>
{
    public override async Task<HubResult<ModerationPlan<bool>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var name = request.User;
        if (!UserNamePolicy.IsValid(name, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var key = UserNamePolicy.Fold(name!);
        var created = false;
        if (await context.Hub.Store.FindAccountAsync(key, cancellationToken).ConfigureAwait(false) is null)
        {
            if (password is null)
            {
                return new HubError(ErrorCode.NoSuchUser, $"there is no account '{name}'; give a password to create it");
            }

            var account = await accounts.CreateAsync(name, password, guest: null, cancellationToken).ConfigureAwait(false);
            if (!account.Succeeded)
            {
                return account.Error!;
            }

            created = true;
        }

        return HubResult<ModerationPlan<bool>>.Ok(AdminChange.Plan(context, key, name!, admin: true, created));
    }
}

/// <summary>Takes server admin away from an account (the account stays).</summary>
internal sealed class RevokeAdminAction : ModerationAction<bool>
{
    public static readonly RevokeAdminAction Instance = new();

    public override async Task<HubResult<ModerationPlan<bool>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var key = UserNamePolicy.Fold(request.User ?? "");
        if (!await context.Hub.Store.IsAdminAsync(key, cancellationToken).ConfigureAwait(false))
        {
            return new HubError(ErrorCode.NoSuchUser, $"'{request.User}' is not an admin");
        }

        return HubResult<ModerationPlan<bool>>.Ok(AdminChange.Plan(context, key, request.User, admin: false, created: false));
    }
}

internal static class AdminChange
{
    /// <summary>Store first, then the online user (if any), audited as the operator.</summary>
    public static ModerationPlan<bool> Plan(ModerationContext context, string key, string? name, bool admin, bool created) => new(admin ? created : true)
    {
        Persist = async ct =>
        {
            await context.Hub.Store.SetAdminAsync(key, admin, context.Hub.Now, ct).ConfigureAwait(false);
            return null;
        },
        Effect = () => new AdminChangedSignal(key, admin),
        Audit = new AuditEntry(ChatHub.OperatorName, admin ? "admin" : "unadmin", name, null, null, created ? "account created" : null),
    };
}
