using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>Removes a user from a room (with <c>room</c>; room moderators) or, for admins, from the server.</summary>
internal sealed class KickAction : ModerationAction<ModerationOutcome>
{
    public static readonly KickAction Instance = new();

    public override async Task<HubResult<ModerationPlan<ModerationOutcome>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var target = await context.FindTargetAsync(request.User, cancellationToken).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Error!;
        }

        var who = target.Value!;
        var by = actor!.User;
        if (request.Room is null)
        {
            if (!ModerationPolicy.CanActServerWide(by.IsAdmin, who.IsAdmin))
            {
                return ModerationContext.Forbidden(by.IsAdmin ? "admins cannot kick admins" : "only server admins can kick from the server; name a room");
            }

            if (who.Online is not { } online)
            {
                return new HubError(ErrorCode.NoSuchUser, $"'{who.Name}' is not online");
            }

            return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(null, who.Name))
            {
                Apply = overflowed => context.RemoveFromServer(online, LeaveReason.Kicked, request.Reason, by.Name, ModerationEvent.Kicked, null, null, overflowed),
                Audit = new AuditEntry(by.Name, "kick", who.Name, null, request.Reason, null),
            });
        }

        var resolved = await context.Rooms.ModeratedRoomAsync(actor, request.Room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var room = resolved.Value!;
        if (!ModerationPolicy.CanActOn(Ranks.In(room, by), Ranks.In(room, who)))
        {
            return ModerationContext.Forbidden($"you cannot kick '{who.Name}' from '{room.Name}'");
        }

        if (who.Online is not { } user || !user.IsInRoom(room.Key))
        {
            return new HubError(ErrorCode.NotInRoom, $"'{who.Name}' is not in '{room.Name}'");
        }

        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(room.Name, who.Name))
        {
            Persist = async ct =>
            {
                if (user.IsRegistered)
                {
                    await context.Hub.Store.RemoveMemberAsync(room.Key, user.Key, ct).ConfigureAwait(false);
                }

                return null;
            },
            Apply = overflowed => context.Rooms.RemoveInMemory(user, room, LeaveReason.Kicked, request.Reason, by.Name, overflowed),
            Audit = new AuditEntry(by.Name, "kick", who.Name, room.Name, request.Reason, null),
        });
    }
}

/// <summary>The operator console's kick: every device of an online user, no rank check (the operator runs the server).</summary>
internal sealed class OperatorKickAction(string by) : ModerationAction<bool>
{
    public override Task<HubResult<ModerationPlan<bool>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (context.Online.FindByName(UserNamePolicy.Fold(request.User ?? "")) is not { } target)
        {
            return Task.FromResult(HubResult<ModerationPlan<bool>>.Ok(new(false)));
        }

        return Task.FromResult(HubResult<ModerationPlan<bool>>.Ok(new(true)
        {
            Apply = overflowed => context.RemoveFromServer(target, LeaveReason.Kicked, request.Reason, by, ModerationEvent.Kicked, null, null, overflowed),
            Audit = new AuditEntry(by, "kick", target.Name, null, request.Reason, null),
        }));
    }
}
