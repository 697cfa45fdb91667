using Piazza.Core.Cluster;
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

                var rank = Ranks.In(resolved.Value!, by);
                if (!ModerationPolicy.CanModerate(rank))
                {
                    return ModerationContext.Forbidden($"only moderators of '{resolved.Value!.Name}' can lift its bans");
                }

                if (await HigherBannerAsync(context, resolved.Value!, target, rank, cancellationToken).ConfigureAwait(false) is { } higher)
                {
                    return ModerationContext.Forbidden($"'{request.User}' was banned from '{resolved.Value!.Name}' by {higher.Name} ({higher.Rank.ToString().ToLowerInvariant()}); only they or a higher rank can lift it");
                }

                roomKey = resolved.Value!.Key;
                roomName = resolved.Value!.Name;
            }
        }

        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(roomName, request.User))
        {
            Persist = async ct =>
            {
                if (await context.Hub.Store.RemoveBansAsync(roomKey, kind, target, ct).ConfigureAwait(false) > 0)
                {
                    return null;
                }

                // Memory follows the store even so: a lift whose signal never reached this node.
                context.Sanctions.Bans.Remove(roomKey, kind, target);
                return new HubError(ErrorCode.NotBanned, $"'{request.Address ?? request.User}' is not banned{(roomName is null ? "" : $" from '{roomName}'")}");
            },
            Effect = () => new BansLiftedSignal(roomKey, kind, target),
            Audit = new AuditEntry(by.Name, "unban", request.Address ?? request.User, roomName, request.Reason, null),
        });
    }

    /// <summary>Who set a ban in force on <paramref name="target"/> in the room and now outranks the actor, if anyone.</summary>
    private static async Task<(string Name, ModerationRank Rank)?> HigherBannerAsync(
        ModerationContext context, Conversations.ChatRoom room, string target, ModerationRank actor, CancellationToken cancellationToken)
    {
        foreach (var ban in context.Sanctions.Bans.FindAll(room.Key, BanKind.User, target, context.Hub.Now))
        {
            // A name that no longer resolves (a guest long gone) stands as a member.
            var banner = await context.FindTargetAsync(ban.By, cancellationToken, allowUnknown: true).ConfigureAwait(false);
            var rank = banner.Succeeded ? Ranks.In(room, banner.Value!) : ModerationRank.Member;
            if (!ModerationPolicy.CanLiftBan(actor, rank))
            {
                return (ban.By, rank);
            }
        }

        return null;
    }
}
