using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>Lifts a room ban (room moderators), a server ban or an address ban (admins).</summary>
internal sealed class UnbanAction : ModerationAction<ModerationOutcome>
{
    public static readonly UnbanAction Instance = new();

    public override async Task<HubResult<ModerationPlan<ModerationOutcome>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var by = actor!.User;
        string? roomKey = null;
        string? roomName = null;
        BanKind kind;
        string target;
        if (request.Address is not null)
        {
            if (!by.IsAdmin)
            {
                return ModerationContext.Forbidden("only server admins can lift address bans");
            }

            kind = BanKind.Address;
            target = request.Address;
        }
        else
        {
            if (!UserNamePolicy.IsValid(request.User, out var problem))
            {
                return new HubError(ErrorCode.BadRequest, $"\"user\" or \"address\" is required: {problem}");
            }

            kind = BanKind.User;
            target = UserNamePolicy.Fold(request.User!);
            if (request.Room is null)
            {
                if (!by.IsAdmin)
                {
                    return ModerationContext.Forbidden("only server admins can lift server bans; name a room");
                }
            }
            else
            {
                var resolved = await context.Rooms.ModeratedRoomAsync(actor, request.Room).ConfigureAwait(false);
                if (!resolved.Succeeded)
                {
                    return resolved.Error!;
                }

                if (!ModerationPolicy.CanModerate(Ranks.In(resolved.Value!, by)))
                {
                    return ModerationContext.Forbidden($"only moderators of '{resolved.Value!.Name}' can lift its bans");
                }

                roomKey = resolved.Value!.Key;
                roomName = resolved.Value!.Name;
            }
        }

        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(roomName, request.User))
        {
            Persist = async ct =>
            {
                var removed = await context.Hub.Store.RemoveBansAsync(roomKey, kind, target, ct).ConfigureAwait(false);
                context.Sanctions.Bans.Remove(roomKey, kind, target);
                return removed == 0
                    ? new HubError(ErrorCode.NotBanned, $"'{request.Address ?? request.User}' is not banned{(roomName is null ? "" : $" from '{roomName}'")}")
                    : null;
            },
            Audit = new AuditEntry(by.Name, "unban", request.Address ?? request.User, roomName, request.Reason, null),
        });
    }
}
