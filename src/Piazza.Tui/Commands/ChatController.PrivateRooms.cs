namespace Piazza.Tui;

/// <summary>Private rooms: /create ROOM --private, and /invite, /uninvite and /private in the room shown.</summary>
internal sealed partial class ChatController
{
    private async Task<CommandResult> PrivateRoomAsync(ChatCommand command, ConversationState conversation, CancellationToken cancellationToken)
    {
        if (command is ChatCommand.CreatePrivate create)
        {
            return await AttemptAsync($"/create {create.Room} failed", async () =>
            {
                var room = await client.CreatePrivateRoomAsync(create.Room, cancellationToken).ConfigureAwait(false);
                host.Post(() =>
                {
                    state.SwitchTo(state.Ensure(room));
                    state.AddSystem($"you are in the private room {room}: /invite USER lets someone in");
                });
            }).ConfigureAwait(false);
        }

        if (conversation.IsPrivate)
        {
            return Error("this works in rooms only");
        }

        var room = conversation.Id;
        switch (command)
        {
            case ChatCommand.Invite { Withdraw: false } invite:
                return await AttemptAsync($"/invite {invite.User} failed", async () =>
                {
                    await client.InviteAsync(room, invite.User, cancellationToken).ConfigureAwait(false);
                    host.Post(() => state.AddSystem($"invited {invite.User} to {room}: they can /join {room} once"));
                }).ConfigureAwait(false);
            case ChatCommand.Invite invite:
                return await AttemptAsync($"/uninvite {invite.User} failed", async () =>
                {
                    await client.UninviteAsync(room, invite.User, cancellationToken).ConfigureAwait(false);
                    host.Post(() => state.AddSystem($"{invite.User} is no longer invited to {room}"));
                }).ConfigureAwait(false);
            case ChatCommand.MakePrivate makePrivate:
                // The room hears room_set, which marks it in the list and says so.
                return await AttemptAsync($"/private {(makePrivate.Private ? "on" : "off")} failed", () => client.SetRoomPrivateAsync(room, makePrivate.Private, cancellationToken)).ConfigureAwait(false);
            default:
                return CommandResult.Done;
        }
    }
}
