using Piazza.Core.Ports;
using Piazza.Core.Storage;

namespace Piazza.Core.Moderation;

/// <summary>One line of the audit log, as an action describes it.</summary>
internal sealed record AuditEntry(string Actor, string Action, string? Target, string? Room, string? Reason, string? Detail);

/// <summary>
/// What an action decided once it resolved its target and was authorized: what to write to the store (which may
/// still refuse, e.g. nothing to unban), what changes in memory on every node, and what to audit.
/// </summary>
internal sealed record ModerationPlan<T>(T Result)
{
    public Func<CancellationToken, Task<HubError?>>? Persist { get; init; }

    /// <summary>
    /// The change in memory as the signal every node applies (<see cref="ModerationEffects"/>), this one first; built
    /// once the store has it (a ban's id comes from the store).
    /// </summary>
    public Func<ClusterSignal>? Effect { get; init; }

    public AuditEntry? Audit { get; init; }
}

/// <summary>
/// One moderation action (kick, ban, mute, op, topic lock, delete, admin…): it resolves what the request names and
/// asks <see cref="ModerationPolicy"/> whether the actor may; the pipeline does the rest the same way for every action.
/// </summary>
internal abstract class ModerationAction<T>
{
    /// <summary>Resolve and authorize: a plan, or why not. No store writes here.</summary>
    public abstract Task<HubResult<ModerationPlan<T>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// The one moderation pipeline: resolve and authorize (the action), persist, apply in memory here and tell the other
/// nodes (<see cref="HubContext.Enact"/>), audit. The store is written before memory changes, so a failure leaves
/// memory as it was; no lock is held across any await.
/// </summary>
internal sealed class ModerationPipeline(ModerationContext context, IModerationStore store, TimeProvider time)
{
    public async Task<HubResult<T>> RunAsync<T>(ModerationAction<T> action, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (ModerationTerms.CheckReason(request.Reason) is { } badReason)
        {
            return badReason;
        }

        var planned = await action.PlanAsync(context, actor, request, cancellationToken).ConfigureAwait(false);
        if (!planned.Succeeded)
        {
            return planned.Error!;
        }

        var plan = planned.Value!;
        if (plan.Persist is { } persist && await persist(cancellationToken).ConfigureAwait(false) is { } refused)
        {
            return refused;
        }

        if (plan.Effect is { } effect)
        {
            context.Hub.Enact(effect());
        }

        if (plan.Audit is { } audit)
        {
            await store.AppendAuditAsync(new AuditRecord(0, time.GetUtcNow(), audit.Actor, audit.Action, audit.Target, audit.Room, audit.Reason, audit.Detail), cancellationToken).ConfigureAwait(false);
        }

        return HubResult<T>.Ok(plan.Result);
    }
}
