using Piazza.Core.Cluster;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Moderation.Actions;

/// <summary>Mutes (optional expiry) or unmutes a user in a room: a muted user's sends there are refused with <c>muted</c>.</summary>
internal sealed class MuteAction(bool mute) : ModerationAction<ModerationOutcome>
{
    public static readonly MuteAction Mute = new(mute: true);
    public static readonly MuteAction Unmute = new(mute: false);

    private string Verb => mute ? "mute" : "unmute";

    public override async Task<HubResult<ModerationPlan<ModerationOutcome>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        var now = context.Hub.Now;
        var expiry = ModerationTerms.TermsOf(request, now);
        if (!expiry.Succeeded)
        {
            return expiry.Error!;
        }

        var found = await context.RoomAndTargetAsync(actor!, request, Verb, cancellationToken).ConfigureAwait(false);
        if (!found.Succeeded)
        {
            return found.Error!;
        }

        var (room, who) = found.Value;
        var by = actor!.User;
        if (!ModerationPolicy.CanActOn(Ranks.In(room, by), Ranks.In(room, who)))
        {
            return ModerationContext.Forbidden($"you cannot {Verb} '{who.Name}' in '{room.Name}'");
        }

        if (!mute && room.MuteOf(who.NameKey, now) is null)
        {
            return new HubError(ErrorCode.BadRequest, $"'{who.Name}' is not muted in '{room.Name}'");
        }

        var store = context.Hub.Store;
        var record = mute ? new MuteRecord(room.Key, who.NameKey, request.Reason, by.Name, expiry.Value) : null;
        return HubResult<ModerationPlan<ModerationOutcome>>.Ok(new(new ModerationOutcome(room.Name, who.Name, expiry.Value))
        {
            Persist = async ct =>
            {
                await (record is null ? store.RemoveMuteAsync(room.Key, who.NameKey, ct) : store.SetMuteAsync(record, ct)).ConfigureAwait(false);
                return null;
            },
            Effect = () => new MuteChangedSignal(room.Key, who.NameKey, who.Name, record, request.Reason, by.Name, now),
            Audit = new AuditEntry(by.Name, Verb, who.Name, room.Name, request.Reason, mute ? ModerationTerms.DescribeUntil(expiry.Value) : null),
        });
    }
}
