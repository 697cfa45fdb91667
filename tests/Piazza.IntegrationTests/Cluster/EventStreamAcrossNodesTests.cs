using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using Piazza.Core;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Doors.EventStream;
using Piazza.Server.Doors.JsonLines;
using Piazza.Server.Options;

namespace Piazza.IntegrationTests.Cluster;

/// <summary>An event stream on node 2 (<see cref="InProcessCluster"/>) carries what happens on node 1, and resumes there.</summary>
public sealed class EventStreamAcrossNodesTests : IAsyncLifetime
{
    private InProcessCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await InProcessCluster.StartAsync(options: new ChatHubOptions { PasswordIterations = 1000 });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task A_stream_on_node_2_sees_a_message_sent_on_node_1_and_resumes_on_node_1_without_gap()
    {
        var (_, bob) = await _cluster.RegisterAsync(1, "bob");
        var token = (await _cluster[2].RegisterForTokenAsync("alice", InProcessCluster.DefaultPassword, "127.0.0.1")).Value.Token;

        string lastId;
        await using (var stream = Open(2, token, new StreamPositions()))
        {
            await stream.Reader.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "lobby");
            await SendAsync(bob, "from node 1");
            var message = await stream.Reader.ReadUntilAsync(e => e.Event == "message");
            Assert.Equal(("from node 1", "bob", 1L), (message.Json.Str("text"), message.Json.Str("from"), message.Json.Seq()));
            lastId = message.LastEventId!;
        }

        await SendAsync(bob, "while away 1");
        await SendAsync(bob, "while away 2");
        var positions = StreamPositions.TryParse(lastId, null, out var problem, out _);
        Assert.True(positions is not null, problem);
        await using (var resumed = Open(1, token, positions!))
        {
            var history = await resumed.Reader.ReadUntilAsync(e => e.Event == "history" && e.Json.Str("room") == "lobby");
            Assert.Equal([2L, 3L], ProtocolSteps.Seqs(history.Json));
        }
    }

    private async Task SendAsync(ChatSession session, string text)
    {
        var sent = await _cluster[1].SendAsync(session, "lobby", null, text, Guid.NewGuid().ToString("N"));
        Assert.True(sent.Succeeded, sent.Error?.Message);
        var stored = await sent.Value!.Completion;
        Assert.True(stored.Succeeded, stored.Error?.Message);
    }

    private OpenStream Open(int node, string token, StreamPositions positions)
    {
        var pipe = new Pipe();
        var cancel = new CancellationTokenSource();
        var connection = new EventStreamConnection(
            pipe.Writer, "127.0.0.1:5", () => cancel.Cancel(), "test-events", _cluster[node], new ConnectionOptions(),
            new SseEventEncoder(new JsonLinesEventEncoder("test")), positions, NullLogger.Instance);
        var running = connection.RunAsync(token, cancel.Token);
        return new OpenStream(new SseReader(pipe.Reader.AsStream()), cancel, running);
    }

    private sealed record OpenStream(SseReader Reader, CancellationTokenSource Cancel, Task Running) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Cancel.CancelAsync();
            await Running.WaitAsync(TimeSpan.FromSeconds(10));
            await Reader.DisposeAsync();
            Cancel.Dispose();
        }
    }
}
