using Piazza.Core.Storage;

namespace Piazza.IntegrationTests.Storage;

/// <summary>Webhooks (<see cref="IWebhookStore"/>): records by room and secret, the exclusive lease, progress under it, kept failures.</summary>
public abstract partial class ChatStoreContractTests
{
    private static IncomingWebhookRecord Incoming(string id, string room, string name, byte secret, int second = 0)
        => new(id, room, name, name, [secret, 2, 3], "alice", T0.AddSeconds(second));

    private static OutgoingWebhookRecord Outgoing(string id, string room, long cursor = 0, int second = 0)
        => new(id, room, $"http://127.0.0.1:9/{id}", ["deploy", "ship"], "s3cret-" + id, "alice", T0.AddSeconds(second), cursor);

    [Fact]
    public async Task Incoming_webhooks_are_found_by_secret_hash_listed_by_room_and_deleted_only_in_their_room()
    {
        await Store.CreateIncomingWebhookAsync(Incoming("w1", "dev", "ci", 1));
        await Store.CreateIncomingWebhookAsync(Incoming("w2", "dev", "deployer", 2, second: 1));
        await Store.CreateIncomingWebhookAsync(Incoming("w3", "ops", "pager", 3));

        await ReopenAsync();
        var found = await Store.FindIncomingWebhookAsync([2, 2, 3]);
        Assert.NotNull(found);
        Assert.Equal(("w2", "dev", "deployer", "deployer", "alice", T0.AddSeconds(1)), (found.Id, found.RoomKey, found.Name, found.AccountKey, found.CreatedBy, found.CreatedAt));
        Assert.Equal([2, 2, 3], found.SecretHash);
        Assert.Null(await Store.FindIncomingWebhookAsync([9, 2, 3]));
        Assert.Equal(["w1", "w2"], (await Store.IncomingWebhooksAsync("dev")).Select(w => w.Id));
        Assert.True(await Store.IsWebhookAccountAsync("pager"));
        Assert.False(await Store.IsWebhookAccountAsync("alice"));

        Assert.False(await Store.DeleteIncomingWebhookAsync("dev", "w3")); // another room's
        Assert.True(await Store.DeleteIncomingWebhookAsync("ops", "w3"));
        Assert.False(await Store.DeleteIncomingWebhookAsync("ops", "w3"));
        Assert.Null(await Store.FindIncomingWebhookAsync([3, 2, 3]));
        Assert.False(await Store.IsWebhookAccountAsync("pager"));
    }

    [Fact]
    public async Task Outgoing_webhooks_keep_their_triggers_and_state_and_one_holder_at_a_time_makes_progress()
    {
        await Store.CreateOutgoingWebhookAsync(Outgoing("o1", "dev", cursor: 7));
        await Store.CreateOutgoingWebhookAsync(Outgoing("o2", "ops", second: 1));
        var created = (await Store.OutgoingWebhooksAsync("dev")).Single();
        Assert.Equal(("o1", "http://127.0.0.1:9/o1", "s3cret-o1", 7L, OutgoingWebhookState.Healthy), (created.Id, created.Url, created.Secret, created.Cursor, created.State));
        Assert.Equal(["deploy", "ship"], created.Triggers);
        Assert.Equal(["o1", "o2"], (await Store.OutgoingWebhooksAsync(null)).Select(w => w.Id));

        // One holder at a time: node a holds it; b cannot take it until a's lease has lapsed or a gives it up.
        Assert.True(await Store.TryLeaseOutgoingWebhookAsync("o1", "a", T0, T0.AddMinutes(1)));
        Assert.True(await Store.TryLeaseOutgoingWebhookAsync("o1", "a", T0.AddSeconds(1), T0.AddMinutes(1))); // renewal
        Assert.False(await Store.TryLeaseOutgoingWebhookAsync("o1", "b", T0.AddSeconds(30), T0.AddMinutes(2)));
        var state = new OutgoingWebhookState(2, T0.AddSeconds(40), 500, "answered 500", T0.AddSeconds(30), T0.AddSeconds(10), 1);
        Assert.False(await Store.SaveOutgoingProgressAsync("o1", "b", 9, state, T0.AddMinutes(2)));
        Assert.True(await Store.SaveOutgoingProgressAsync("o1", "a", 8, state, T0.AddMinutes(2)));
        Assert.False(await Store.TryLeaseOutgoingWebhookAsync("o1", "b", T0.AddSeconds(90), T0.AddMinutes(3))); // renewed by the save
        Assert.True(await Store.TryLeaseOutgoingWebhookAsync("o1", "b", T0.AddMinutes(2).AddSeconds(1), T0.AddMinutes(3))); // lapsed
        Assert.False(await Store.SaveOutgoingProgressAsync("o1", "a", 10, OutgoingWebhookState.Healthy, T0.AddMinutes(4)));
        await Store.ReleaseOutgoingWebhookAsync("o1", "a"); // not a's to give up
        Assert.False(await Store.TryLeaseOutgoingWebhookAsync("o1", "a", T0.AddMinutes(2).AddSeconds(2), T0.AddMinutes(3)));
        await Store.ReleaseOutgoingWebhookAsync("o1", "b");
        Assert.True(await Store.TryLeaseOutgoingWebhookAsync("o1", "a", T0.AddMinutes(2).AddSeconds(3), T0.AddMinutes(3)));

        await ReopenAsync();
        var saved = (await Store.OutgoingWebhooksAsync("dev")).Single();
        Assert.Equal((8L, state), (saved.Cursor, saved.State));

        Assert.False(await Store.DeleteOutgoingWebhookAsync("ops", "o1"));
        Assert.True(await Store.DeleteOutgoingWebhookAsync("dev", "o1"));
        Assert.Empty(await Store.OutgoingWebhooksAsync("dev"));
        Assert.False(await Store.SaveOutgoingProgressAsync("o1", "a", 9, state, T0.AddMinutes(4)));
    }

    [Fact]
    public async Task A_webhooks_failures_are_listed_newest_first_the_newest_kept_and_go_with_it()
    {
        await Store.CreateOutgoingWebhookAsync(Outgoing("o1", "dev"));
        for (var seq = 1; seq <= 5; seq++)
        {
            await Store.AddWebhookFailureAsync(new WebhookFailureRecord("o1", $"o1-{seq}", seq, $"m{seq}", 10, $"answered 50{seq}", T0.AddSeconds(seq)), keep: 3);
        }

        await Store.AddWebhookFailureAsync(new WebhookFailureRecord("o9", "o9-1", 1, "m1", 1, "other", T0), keep: 3);
        var failures = await Store.WebhookFailuresAsync("o1", 10);
        Assert.Equal([5L, 4L, 3L], failures.Select(f => f.Seq));
        Assert.Equal(new WebhookFailureRecord("o1", "o1-5", 5, "m5", 10, "answered 505", T0.AddSeconds(5)), failures[0]);
        Assert.Equal([5L, 4L], (await Store.WebhookFailuresAsync("o1", 2)).Select(f => f.Seq));

        Assert.True(await Store.DeleteOutgoingWebhookAsync("dev", "o1"));
        Assert.Empty(await Store.WebhookFailuresAsync("o1", 10));
        Assert.Single(await Store.WebhookFailuresAsync("o9", 10));
    }
}
