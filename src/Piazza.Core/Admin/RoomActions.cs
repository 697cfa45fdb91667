using Piazza.Core.Conversations;
using Piazza.Core.Moderation;
using Piazza.Core.Ports;
using Piazza.Protocol;

namespace Piazza.Core.Admin;

/// <summary>A room's owner was set by an admin: nodes that hold the room change its owner in memory (the store has it).</summary>
public sealed record RoomOwnerChangedSignal(string RoomKey, string OwnerKey) : ClusterSignal;

/// <summary>
/// Sets a room's owner to an account (admins; private rooms too). The store's claim (a guest's room becomes an
/// account's, kept like any other) then every node's copy; the room keeps its members, moderators and settings.
/// </summary>
internal sealed class RoomOwnerAction(string? room) : ModerationAction<(string Room, string Owner)>
{
    public override async Task<HubResult<ModerationPlan<(string Room, string Owner)>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (AdminRule.Refuse(actor) is { } refused)
        {
            return refused;
        }

        if (!RoomNamePolicy.IsValid(room, out var problem))
        {
            return new HubError(ErrorCode.BadName, problem);
        }

        var store = context.Hub.Store;
        var roomKey = RoomNamePolicy.Fold(RoomNamePolicy.Normalize(room!));
        if (await store.FindRoomAsync(roomKey, cancellationToken).ConfigureAwait(false) is not { } stored)
        {
            return new HubError(ErrorCode.NoSuchRoom, $"there is no room '{room}'");
        }

        if (!UserNamePolicy.IsValid(request.User, out problem))
        {
            return new HubError(request.User is null ? ErrorCode.BadRequest : ErrorCode.BadName, request.User is null ? "\"owner\" is required" : problem);
        }

        if (await store.FindAccountAsync(UserNamePolicy.Fold(request.User!), cancellationToken).ConfigureAwait(false) is not { } account)
        {
            return new HubError(ErrorCode.NoSuchUser, $"there is no account '{request.User}' (a room's owner is an account)");
        }

        return HubResult<ModerationPlan<(string, string)>>.Ok(new((stored.Name, account.Name))
        {
            Persist = async ct =>
            {
                await store.ClaimRoomAsync(stored.Key, account.Key, ct).ConfigureAwait(false);
                return null;
            },
            Effect = () => new RoomOwnerChangedSignal(stored.Key, account.Key),
            Audit = new AuditEntry(actor!.Name, "owner", account.Name, stored.Name, request.Reason, stored.Owner is { } before ? $"was {before}" : "had no owner"),
        });
    }

    /// <summary>The change in memory, on every node that holds the room.</summary>
    public static void Apply(ConversationCache conversations, RoomOwnerChangedSignal signal)
    {
        if (conversations.Find(signal.RoomKey) is ChatRoom loaded)
        {
            loaded.SetOwner(signal.OwnerKey);
        }
    }
}

/// <summary>
/// Sends an announcement from <see cref="ChatHub.ServerName"/> to the lobby (the message text rule applies); the
/// stored message is in the result once the pipeline has persisted it.
/// </summary>
internal sealed class AnnounceAction(Messaging.MessagingService messaging, string? text) : ModerationAction<AnnounceAction.Outcome>
{
    public override Task<HubResult<ModerationPlan<Outcome>>> PlanAsync(ModerationContext context, ChatSession? actor, ModerationRequest request, CancellationToken cancellationToken)
    {
        if (AdminRule.Refuse(actor) is { } refused)
        {
            return Task.FromResult<HubResult<ModerationPlan<Outcome>>>(refused);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return Task.FromResult<HubResult<ModerationPlan<Outcome>>>(new HubError(ErrorCode.BadRequest, "\"text\" must be a non-empty string"));
        }

        if (Messaging.MessageTextRule.Check(text, context.Hub.Options.MaxMessageChars) is { } badText)
        {
            return Task.FromResult<HubResult<ModerationPlan<Outcome>>>(badText);
        }

        var outcome = new Outcome();
        return Task.FromResult(HubResult<ModerationPlan<Outcome>>.Ok(new(outcome)
        {
            Persist = async _ =>
            {
                outcome.Message = await messaging.AnnounceAsync(text).ConfigureAwait(false);
                return outcome.Message is null ? new HubError(ErrorCode.Unavailable, "the lobby cannot take messages now (the store failed); try again") : null;
            },
            Audit = new AuditEntry(actor!.Name, "announce", null, ChatHub.LobbyName, null, Shortened(text)),
        }));
    }

    /// <summary>The text as the audit log keeps it: at most 200 characters, never cutting a surrogate pair in two.</summary>
    private static string Shortened(string text)
    {
        const int Most = 200;
        return text.Length <= Most ? text : text[..(char.IsHighSurrogate(text[Most - 1]) ? Most - 1 : Most)] + "…";
    }

    /// <summary>Filled in by the persist step: the stored announcement.</summary>
    internal sealed class Outcome
    {
        public MessageEvent? Message { get; set; }
    }
}
