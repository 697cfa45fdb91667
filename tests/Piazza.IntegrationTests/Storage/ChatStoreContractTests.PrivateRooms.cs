using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Private rooms: the stored flag, and invitations that are used once, survive a restart and go with their room.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task A_room_created_private_is_read_and_listed_private_and_can_be_switched()
    {
        await CreateAccountsAsync("alice");
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("ops", "Ops", null, "alice", T0) { Private = true }));
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("dev", "dev", null, "alice", T0)));
        Assert.True((await Store.FindRoomAsync("ops"))!.Private);
        Assert.False((await Store.FindRoomAsync("dev"))!.Private);
        Assert.Equal([("dev", false), ("ops", true)], [.. (await Store.ListRoomsAsync(null, 10)).Where(s => s.Room.Key is "dev" or "ops").Select(s => (s.Room.Key, s.Room.Private))]);

        await Store.SetRoomPrivateAsync("ops", false);
        await Store.SetRoomPrivateAsync("dev", true);
        await ReopenAsync();
        Assert.False((await Store.FindRoomAsync("ops"))!.Private);
        Assert.True((await Store.FindRoomAsync("dev"))!.Private);
    }

    [Fact]
    public async Task An_invitation_is_kept_across_a_restart_used_once_replaced_by_a_new_one_and_listed_per_account()
    {
        await CreateAccountsAsync("alice", "bob", "carol");
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("ops", "ops", null, "alice", T0) { Private = true }));
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("sec", "sec", null, "alice", T0) { Private = true }));
        await Store.AddInvitationAsync(new InvitationRecord("ops", "bob", "alice", T0));
        await Store.AddInvitationAsync(new InvitationRecord("ops", "bob", "Alice2", T0.AddMinutes(1))); // replaces
        await Store.AddInvitationAsync(new InvitationRecord("sec", "bob", "alice", T0.AddMinutes(2)));
        await ReopenAsync();

        Assert.Equal(
            [new InvitationRecord("ops", "bob", "Alice2", T0.AddMinutes(1)), new InvitationRecord("sec", "bob", "alice", T0.AddMinutes(2))],
            await Store.InvitationsOfAsync("bob"));
        Assert.Empty(await Store.InvitationsOfAsync("carol"));

        Assert.True(await Store.RemoveInvitationAsync("ops", "bob"));
        Assert.False(await Store.RemoveInvitationAsync("ops", "bob")); // used once
        Assert.False(await Store.RemoveInvitationAsync("ops", "carol"));
        Assert.Equal(["sec"], (await Store.InvitationsOfAsync("bob")).Select(i => i.RoomKey));
    }

    [Fact]
    public async Task Deleting_a_room_deletes_its_invitations()
    {
        await CreateAccountsAsync("alice", "bob");
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("ops", "ops", null, "alice", T0) { Private = true }));
        await Store.AddInvitationAsync(new InvitationRecord("ops", "bob", "alice", T0));
        await Store.DeleteRoomAsync("ops");
        Assert.Empty(await Store.InvitationsOfAsync("bob"));
        Assert.Null(await Store.FindRoomAsync("ops"));
    }
}
