using Piazza.Core;

namespace Piazza.UnitTests;

public class BoundedOutboxUnitTests
{
    [Fact]
    public void Frame_limit_refuses_the_next_item_until_one_is_taken()
    {
        var outbox = new BoundedOutbox<int>(new OutboxLimits { MaxFrames = 3, MaxBytes = 1000 });
        Assert.True(outbox.TryEnqueue(1, 10));
        Assert.True(outbox.TryEnqueue(2, 10));
        Assert.True(outbox.TryEnqueue(3, 10));
        Assert.False(outbox.TryEnqueue(4, 10));
        Assert.True(outbox.TryDequeue(out var first));
        Assert.Equal(1, first);
        Assert.True(outbox.TryEnqueue(4, 10));
        Assert.Equal(3, outbox.QueuedFrames);
    }

    [Fact]
    public void Byte_limit_refuses_an_item_that_would_exceed_it_and_leaves_counters_intact()
    {
        var outbox = new BoundedOutbox<string>(new OutboxLimits { MaxFrames = 100, MaxBytes = 100 });
        Assert.True(outbox.TryEnqueue("a", 60));
        Assert.False(outbox.TryEnqueue("b", 41));
        Assert.Equal(60, outbox.QueuedBytes);
        Assert.Equal(1, outbox.QueuedFrames);
        Assert.True(outbox.TryEnqueue("c", 40));
    }

    [Fact]
    public async Task Completed_outbox_refuses_items_and_drains_what_it_had()
    {
        var outbox = new BoundedOutbox<int>(new OutboxLimits());
        outbox.TryEnqueue(7, 1);
        outbox.Complete();
        Assert.False(outbox.TryEnqueue(8, 1));
        Assert.True(await outbox.WaitToReadAsync());
        Assert.True(outbox.TryDequeue(out var item));
        Assert.Equal(7, item);
        Assert.False(await outbox.WaitToReadAsync());
    }
}

public class BoundedOutboxPacingUnitTests
{
    [Fact]
    public async Task A_producer_waiting_for_half_empty_resumes_only_after_the_consumer_drains()
    {
        var outbox = new BoundedOutbox<int>(new OutboxLimits { MaxFrames = 10, MaxBytes = 1000 });
        for (var i = 0; i < 10; i++)
        {
            Assert.True(outbox.TryEnqueue(i, 10));
        }

        var waiting = outbox.WaitForHalfEmptyAsync();
        Assert.False(waiting.IsCompleted);
        for (var i = 0; i < 4; i++)
        {
            outbox.TryDequeue(out _);
        }

        Assert.False(waiting.IsCompleted); // 6 of 10 frames queued: still more than half
        outbox.TryDequeue(out _);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(outbox.WaitForHalfEmptyAsync().IsCompleted);
    }

    [Fact]
    public async Task Completing_the_outbox_releases_a_waiting_producer()
    {
        var outbox = new BoundedOutbox<int>(new OutboxLimits { MaxFrames = 2, MaxBytes = 1000 });
        outbox.TryEnqueue(1, 1);
        outbox.TryEnqueue(2, 1);
        var waiting = outbox.WaitForHalfEmptyAsync();
        outbox.Complete();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
