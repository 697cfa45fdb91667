using Piazza.Core.Cluster;
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

            if (!who.IsOnline)
            {
                return new HubError(ErrorCode.NoSuchUser, $"'{who.Name}' is not online");
            }

            var at = context.Hub.Now;
            return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(null, who.Name))
            {
                Effect = () => new KickedFromServerSignal(who.NameKey, request.Reason, by.Name, at),
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

        if (!await context.IsInRoomAsync(who, room, cancellationToken).ConfigureAwait(false))
        {
            return new HubError(ErrorCode.NotInRoom, $"'{who.Name}' is not in '{room.Name}'");
        }

        var now = context.Hub.Now;
        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(room.Name, who.Name))
        {
            Persist = async ct =>
            {
                if (who.Registered)
                {
                    await context.Hub.Store.RemoveMemberAsync(room.Key, who.Key, ct).ConfigureAwait(false);
                }

                return null;
            },
            Effect = () => new RemovedFromRoomSignal(room.Key, who.NameKey, who.Name, request.Reason, by.Name, now),
            Audit = new AuditEntry(by.Name, "kick", who.Name, room.Name, request.Reason, null),
        });
    }
}

/// <summary>The operator console's kick: every device of a user online on any node, no rank check (the operator runs the server).</summary>
internal sealed class OperatorKickAction(string by) : ModerationAction<bool>
{
    public override async Task<HubResult<ModerationPlan<bool>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (!UserNamePolicy.IsValid(request.User, out _)
            || (await context.FindTargetAsync(request.User, cancellationToken).ConfigureAwait(false)).Value is not { IsOnline: true } who)
        {
            return HubResult<ModerationPlan<bool>>.Ok(new(false));
        }

        var at = context.Hub.Now;
        return HubResult<ModerationPlan<bool>>.Ok(new(true)
        {
            Effect = () => new KickedFromServerSignal(who.NameKey, request.Reason, by, at),
            Audit = new AuditEntry(by, "kick", who.Name, null, request.Reason, null),
        });
    }
}
