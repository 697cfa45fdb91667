using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>The moderation part of the store contract: admins, moderators, topic lock, bans, mutes, deletion, audit.</summary>
public abstract partial class ChatStoreContractTests
{
    [Fact]
    public async Task Admins_and_moderators_are_granted_revoked_and_kept()
    {
        await CreateAccountsAsync("root", "bob");
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("dev", "dev", null, "root", T0)));
        await Store.SetAdminAsync("root", admin: true, T0);
        await Store.SetAdminAsync("root", admin: true, T0);
        await Store.SetModeratorAsync("dev", "bob", moderator: true);
        await ReopenAsync();

        Assert.True(await Store.IsAdminAsync("root"));
        Assert.False(await Store.IsAdminAsync("bob"));
        Assert.Equal(["root"], await Store.AdminsAsync());
        var dev = await Store.RoomModerationAsync("dev");
        Assert.Equal(["bob"], dev.Moderators);
        Assert.True(dev.TopicLocked, "rooms start topic-locked");

        await Store.SetModeratorAsync("dev", "bob", moderator: false);
        await Store.SetTopicLockAsync("dev", locked: false);
        await Store.SetAdminAsync("root", admin: false, T0);
        dev = await Store.RoomModerationAsync("dev");
        Assert.Empty(dev.Moderators);
        Assert.False(dev.TopicLocked);
        Assert.Empty(await Store.AdminsAsync());
    }

    [Fact]
    public async Task Bans_are_listed_while_active_and_removed_by_scope_kind_and_target()
    {
        var permanent = await Store.AddBanAsync(new BanRecord(0, null, BanKind.User, "bob", "spam", "root", T0, null));
        var timed = await Store.AddBanAsync(new BanRecord(0, "dev", BanKind.User, "bob", null, "alice", T0, T0.AddHours(1)));
        await Store.AddBanAsync(new BanRecord(0, null, BanKind.Address, "203.0.113.7", null, "root", T0, T0.AddMinutes(5)));
        Assert.NotEqual(permanent.Id, timed.Id);
        await ReopenAsync();

        Assert.Equal(3, (await Store.ActiveBansAsync(T0)).Count);
        var later = await Store.ActiveBansAsync(T0.AddMinutes(30));
        Assert.Equal([(null, BanKind.User, "bob"), ("dev", BanKind.User, "bob")], later.Select(b => (b.RoomKey, b.Kind, b.Target)));
        Assert.Equal(T0.AddHours(1), later[1].ExpiresAt);
        Assert.Equal("spam", later[0].Reason);

        Assert.Equal(1, await Store.RemoveBansAsync("dev", BanKind.User, "bob"));
        Assert.Equal(0, await Store.RemoveBansAsync("dev", BanKind.User, "bob"));
        Assert.Equal([null], (await Store.ActiveBansAsync(T0)).Where(b => b.Kind == BanKind.User).Select(b => b.RoomKey));
    }

    [Fact]
    public async Task A_mute_is_replaced_by_a_newer_one_and_removed_once()
    {
        Assert.True(await Store.TryCreateRoomAsync(new RoomRecord("dev", "dev", null, null, T0)));
        await Store.SetMuteAsync(new MuteRecord("dev", "bob", "loud", "alice", T0.AddMinutes(1)));
        await Store.SetMuteAsync(new MuteRecord("dev", "bob", "louder", "carol", null));
        var mute = Assert.Single((await Store.RoomModerationAsync("dev")).Mutes);
        Assert.Equal(new MuteRecord("dev", "bob", "louder", "carol", null), mute);
        Assert.True(await Store.RemoveMuteAsync("dev", "bob"));
        Assert.False(await Store.RemoveMuteAsync("dev", "bob"));
    }

    [Fact]
    public async Task A_deleted_message_keeps_its_seq_but_not_its_text()
    {
        await Store.AppendAsync(Range("lobby", 1, 3));
        var found = await Store.FindMessageAsync("m-lobby-2");
        Assert.Equal(2, found?.Seq);
        Assert.Null(found?.DeletedBy);

        Assert.True(await Store.MarkDeletedAsync("lobby", 2, "root"));
        Assert.False(await Store.MarkDeletedAsync("lobby", 2, "root"));
        Assert.False(await Store.MarkDeletedAsync("lobby", 9, "root"));
        await ReopenAsync();

        var all = await Store.ReadAfterAsync("lobby", 0, 10);
        Assert.Equal([1L, 2L, 3L], all.Select(m => m.Seq));
        Assert.Equal(["text 1", "", "text 3"], all.Select(m => m.Text));
        Assert.Equal([null, "root", null], all.Select(m => m.DeletedBy));
        Assert.Equal("root", (await Store.ReadBeforeAsync("lobby", 3, 1))[0].DeletedBy);
        Assert.Null(await Store.FindMessageAsync("no-such-id"));
    }

    [Fact]
    public async Task The_audit_log_returns_the_latest_entries_oldest_first()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Store.AppendAuditAsync(new AuditRecord(0, T0.AddSeconds(i), "root", "kick", $"user{i}", i % 2 == 0 ? "dev" : null, "why", null));
        }

        var latest = await Store.ReadAuditAsync(3);
        Assert.Equal(["user3", "user4", "user5"], latest.Select(e => e.Target));
        Assert.Equal((T0.AddSeconds(4), "dev", "why"), (latest[1].At, latest[1].Room, latest[1].Reason));
        Assert.True(latest[0].Id < latest[2].Id);
    }
}
