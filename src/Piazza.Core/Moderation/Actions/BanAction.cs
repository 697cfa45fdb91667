using Piazza.Core.Cluster;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>
/// Bans a user from a room (<c>room</c>; room moderators), or from the server (no room; admins), or an address from
/// the server (admins). Optional expiry. The user is removed at once and refused until the ban ends.
/// </summary>
internal sealed class BanAction : ModerationAction<ModerationOutcome>
{
    public static readonly BanAction Instance = new();

    public override async Task<HubResult<ModerationPlan<ModerationOutcome>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var now = context.Hub.Now;
        var expiry = ModerationTerms.TermsOf(request, now);
        if (!expiry.Succeeded)
        {
            return expiry.Error!;
        }

        var by = actor!.User;
        var until = expiry.Value;
        if (request.Address is not null)
        {
            return PlanAddressBan(context, by, request, now, until);
        }

        var target = await context.FindTargetAsync(request.User, cancellationToken, allowUnknown: true).ConfigureAwait(false);
        if (!target.Succeeded)
        {
            return target.Error!;
        }

        var who = target.Value!;
        var store = context.Hub.Store;
        if (request.Room is null)
        {
            if (!ModerationPolicy.CanActServerWide(by.IsAdmin, who.IsAdmin))
            {
                return ModerationContext.Forbidden(by.IsAdmin ? "admins cannot ban admins" : "only server admins can ban from the server; name a room");
            }

            BanRecord? ban = null;
            return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(null, who.Name, until))
            {
                Persist = async ct =>
                {
                    ban = await store.AddBanAsync(new BanRecord(0, null, BanKind.User, who.NameKey, request.Reason, by.Name, now, until), ct).ConfigureAwait(false);
                    return null;
                },
                Effect = () => new BanAddedSignal(ban!, null, who.Name, Announce: false),
                Audit = new AuditEntry(by.Name, "ban", who.Name, null, request.Reason, ModerationTerms.DescribeUntil(until)),
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
            return ModerationContext.Forbidden($"you cannot ban '{who.Name}' from '{room.Name}'");
        }

        BanRecord? roomBan = null;
        var present = await context.IsInRoomAsync(who, room, cancellationToken).ConfigureAwait(false);
        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(room.Name, who.Name, until))
        {
            Persist = async ct =>
            {
                roomBan = await store.AddBanAsync(new BanRecord(0, room.Key, BanKind.User, who.NameKey, request.Reason, by.Name, now, until), ct).ConfigureAwait(false);
                if (who.Registered)
                {
                    await store.RemoveMemberAsync(room.Key, who.Key, ct).ConfigureAwait(false);
                }

                return null;
            },
            Effect = () => new BanAddedSignal(roomBan!, room.Name, who.Name, Announce: present),
            Audit = new AuditEntry(by.Name, "ban", who.Name, room.Name, request.Reason, ModerationTerms.DescribeUntil(until)),
        });
    }

    /// <summary>An address ban is server-wide; the door hands the address already normalised. Admins are exempt.</summary>
    private static HubResult<ModerationPlan<ModerationOutcome>> PlanAddressBan(ModerationContext context, ChatUser by, ModerationRequest request, DateTimeOffset now, DateTimeOffset? until)
    {
        if (request.Room is not null || request.User is not null)
        {
            return new HubError(ErrorCode.BadRequest, "an address ban is server-wide and names no user: give only \"address\"");
        }

        if (!by.IsAdmin)
        {
            return ModerationContext.Forbidden("only server admins can ban addresses");
        }

        var address = request.Address!;
        BanRecord? ban = null;
        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(null, null, until))
        {
            Persist = async ct =>
            {
                ban = await context.Hub.Store.AddBanAsync(new BanRecord(0, null, BanKind.Address, address, request.Reason, by.Name, now, until), ct).ConfigureAwait(false);
                return null;
            },
            Effect = () => new BanAddedSignal(ban!, null, null, Announce: false),
            Audit = new AuditEntry(by.Name, "ban", address, null, request.Reason, ModerationTerms.DescribeUntil(until)),
        });
    }
}
