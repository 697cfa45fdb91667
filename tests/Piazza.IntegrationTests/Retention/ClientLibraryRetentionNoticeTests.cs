using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Retention;

/// <summary>The client library shows a room's retention: <see cref="RoomEntered.Retention"/> and <see cref="RetentionChanged"/> (docs/retention.md).</summary>
public sealed class ClientLibraryRetentionNoticeTests
{
    [Fact]
    public async Task Entering_a_room_carries_its_retention_and_the_owners_change_raises_RetentionChanged()
    {
        await using var server = await TestServer.StartAsync(("Hub:Retention:Days", "45"));
        await using var alice = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "alice", Password = ProtocolSteps.Password, Register = true });
        await alice.ConnectAsync();
        await alice.JoinAsync("dev");
        Assert.Equal(new RoomRetention(45, RoomSetting: false), (await alice.NextAsync<RoomEntered>(e => e.Room == "dev")).Retention);
        await using var bob = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = "bob", Password = ProtocolSteps.Password, Register = true });
        await bob.ConnectAsync();
        await bob.JoinAsync("dev");

        Assert.Equal((12, true), await alice.SetRoomRetentionAsync("dev", 12));
        var changed = await bob.NextAsync<RetentionChanged>();
        Assert.Equal(("dev", new RoomRetention(12, true), "alice"), (changed.Room, changed.Retention, changed.By));
        Assert.Equal("to keep messages for 12 days", changed.Retention.Describe());
        Assert.NotNull(changed.At);

        Assert.Equal((45, false), await alice.SetRoomRetentionAsync("dev", -1));
        var back = await bob.NextAsync<RetentionChanged>();
        Assert.Equal("to follow the server's retention (45 days)", back.Retention.Describe());
    }
}
