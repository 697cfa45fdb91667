using Piazza.Core.Cluster;
using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>Makes (op) or revokes (deop) a room moderator: the room's owner and admins only, accounts only.</summary>
internal sealed class RoleAction(bool moderator) : ModerationAction<ModerationOutcome>
{
    public static readonly RoleAction Op = new(moderator: true);
    public static readonly RoleAction Deop = new(moderator: false);

    public override async Task<HubResult<ModerationPlan<ModerationOutcome>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var verb = moderator ? "op" : "deop";
        var found = await context.RoomAndTargetAsync(actor!, request, verb, cancellationToken).ConfigureAwait(false);
        if (!found.Succeeded)
        {
            return found.Error!;
        }

        var (room, who) = found.Value;
        var by = actor!.User;
        if (!ModerationPolicy.CanChangeModerators(Ranks.In(room, by), Ranks.In(room, who)))
        {
            return ModerationContext.Forbidden($"only the owner of '{room.Name}' and server admins can {(moderator ? "make" : "revoke")} moderators there");
        }

        if (!who.Registered)
        {
            return new HubError(ErrorCode.BadRequest, $"'{who.Name}' is a guest; only accounts can be moderators");
        }

        var now = context.Hub.Now;
        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(room.Name, who.Name))
        {
            Persist = async ct =>
            {
                await context.Hub.Store.SetModeratorAsync(room.Key, who.Key, moderator, ct).ConfigureAwait(false);
                return null;
            },
            Effect = () => new ModeratorChangedSignal(room.Key, who.Key, who.Name, moderator, by.Name, now),
            Audit = new AuditEntry(by.Name, verb, who.Name, room.Name, null, null),
        });
    }
}

/// <summary>Locks (only moderators change the topic) or unlocks (anyone in the room may) a room's topic.</summary>
internal sealed class TopicLockAction(bool locked) : ModerationAction<string>
{
    public static readonly TopicLockAction Lock = new(locked: true);
    public static readonly TopicLockAction Unlock = new(locked: false);

    public override async Task<HubResult<ModerationPlan<string>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var resolved = await context.Rooms.ModeratedRoomAsync(actor!, request.Room).ConfigureAwait(false);
        if (!resolved.Succeeded)
        {
            return resolved.Error!;
        }

        var room = resolved.Value!;
        var by = actor!.User;
        if (!ModerationPolicy.CanLockTopic(Ranks.In(room, by)))
        {
            return ModerationContext.Forbidden($"only moderators of '{room.Name}' can lock or unlock its topic");
        }

        return HubResult<ModerationPlan<string>>.Ok(new(room.Name)
        {
            Persist = async ct =>
            {
                await context.Hub.Store.SetTopicLockAsync(room.Key, locked, ct).ConfigureAwait(false);
                return null;
            },
            Effect = () => new TopicLockChangedSignal(room.Key, locked, by.Name, context.Hub.Now),
            Audit = new AuditEntry(by.Name, locked ? "lock" : "unlock", null, room.Name, null, null),
        });
    }
}
