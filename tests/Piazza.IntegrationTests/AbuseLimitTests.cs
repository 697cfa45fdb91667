using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server.Limits;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>
/// The bad-input suite, limits part (the codec and name cases are in BadInputTests): each attack meets its limit with the right answer, while a well-behaved pair of
/// clients connected at the same time keeps exchanging messages and receives every one meant for it.
/// (A client that never reads: DoorConformanceTests.A_stalled_reader_is_dropped_as_slow_consumer_while_others_receive_everything.)
/// </summary>
public class AbuseLimitTests
{
    /// <summary>The limits the product ships with (the test servers turn them off by default).</summary>
    private static readonly TestServerOptions ProductionLimits = new() { Limits = TestLimits.Production };

    [Fact]
    public async Task Slowloris_bytes_trickled_one_per_second_meet_the_hello_deadline()
    {
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, ProductionLimits with { HelloTimeout = TimeSpan.FromSeconds(2) });
        await using var good = await GoodPair.StartAsync(server);
        await using var slow = await RawClient.ConnectAsync(server.Port);
        using var stop = new CancellationTokenSource();
        var trickling = Task.Run(async () =>
        {
            foreach (var b in Encoding.UTF8.GetBytes("{\"type\":\"hello\",\"user\":\"slowloris\"}\n"))
            {
                await slow.SendRawAsync([b]);
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token); // the attacker's pace, not a wait for the server
            }
        });

        await good.ExchangeAsync("during", 10);
        var answer = await slow.ReadAsync();
        AssertError(answer, "hello_timeout");
        Assert.True(await slow.WaitForCloseAsync());
        await stop.CancelAsync();
        await trickling.ContinueWith(_ => { }, TaskScheduler.Default);
        await log.WaitForAsync(l => l.StartsWith("No hello from", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Hub.Sessions, s => s.Name == "slowloris");
        await good.ExchangeAsync("after", 5);
    }

    [Fact]
    public async Task Two_thousand_connections_from_one_address_meet_the_per_address_limit()
    {
        const int Attempts = 2000;
        const int Limit = 50;
        await using var server = await TestServer.StartAsync(new TestServerOptions { Limits = TestLimits.Off with { MaxConnectionsPerAddress = Limit } });
        await using var good = await GoodPair.StartAsync(server);
        var refusedAll = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = 0;
        var sockets = new List<Socket>(Attempts);
        var reads = new List<Task<string>>(Attempts);
        using var stop = new CancellationTokenSource();
        try
        {
            // In batches, so the 2-core machine and the listen backlog are not swamped; each socket reads its first line.
            for (var batch = 0; batch < Attempts; batch += 100)
            {
                var opened = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    await socket.ConnectAsync(IPAddress.Loopback, server.Port);
                    return socket;
                }));
                foreach (var socket in opened)
                {
                    sockets.Add(socket);
                    reads.Add(FirstLineAsync(socket, stop.Token).ContinueWith(
                        t =>
                        {
                            var line = t.IsCompletedSuccessfully ? t.Result : "";
                            if (line.Contains("too_many_connections", StringComparison.Ordinal) && Interlocked.Increment(ref refused) == Attempts - (Limit - 2))
                            {
                                refusedAll.TrySetResult();
                            }

                            return line;
                        },
                        TaskScheduler.Default));
                }
            }

            // The well-behaved pair holds 2 of the 50: exactly 48 attackers get in, every other one is told why.
            await refusedAll.Task.WaitAsync(RawClient.DefaultTimeout);
            Assert.Equal(Limit, server.Services.GetRequiredService<ConnectionLimiter>().OpenFrom(IPAddress.Loopback));
            Assert.Equal(Limit - 2, reads.Count(r => !r.IsCompleted));
            await good.ExchangeAsync("crowded", 10);

            // An admitted attacker is a real connection.
            var admitted = sockets[reads.FindIndex(r => !r.IsCompleted)];
            await admitted.SendAsync(Encoding.UTF8.GetBytes("{\"type\":\"hello\",\"user\":\"crowd\"}\n"));
            Assert.Contains("welcome", await reads[sockets.IndexOf(admitted)].WaitAsync(RawClient.DefaultTimeout), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }
        }

        await good.ExchangeAsync("after", 5);
    }

    [Fact]
    public async Task A_flood_of_ten_thousand_messages_in_a_second_is_rate_limited_then_disconnected_and_nothing_is_lost()
    {
        const int Flood = 10_000;
        var log = new CapturedLog();
        await using var server = await TestServer.StartLoggingAsync(log, ProductionLimits);
        await using var good = await GoodPair.StartAsync(server);
        await using var flooder = await server.GuestAsync("flooder");
        var lines = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, Flood).Select(i => $"{{\"type\":\"send\",\"text\":\"flood {i}\",\"id\":\"f{i}\"}}\n")));
        var flooding = Task.Run(async () =>
        {
            try
            {
                await flooder.SendRawAsync(lines);
            }
            catch (IOException)
            {
                // cut off mid-write: the point
            }
        });

        // The good pair talks through the flood.
        await good.ExchangeAsync("through the flood", 10);
        var left = await good.WaitForAsync(x => x.Type() == "left" && x.Str("user") == "flooder");
        Assert.Equal("flooding", left.Str("reason"));
        await log.WaitForAsync(l => l.Contains("flooder", StringComparison.Ordinal) && l.Contains("kept flooding", StringComparison.Ordinal));
        Assert.True(await flooder.WaitForCloseAsync());
        await flooding;

        // Nothing lost: every message the server stored reached the good reader, in order, with no gap.
        await good.ExchangeAsync("after the flood", 5);
        var stored = await RequestAsync(good.Alice, new { type = "history", room = "lobby", limit = 500, id = "h" }, "h");
        var storedSeqs = Seqs(stored).Where(s => s >= good.FirstSeq).ToList();
        Assert.Equal(storedSeqs, good.ReceivedSeqs());
        Assert.Equal(Range(storedSeqs[0], storedSeqs[^1]), storedSeqs);
        var accepted = Texts(stored).Count(t => t.StartsWith("flood ", StringComparison.Ordinal));
        Assert.InRange(accepted, 1, 100); // the burst (20) and what the rate refilled: a sliver of 10,000
    }

    [Fact]
    public async Task An_oversize_line_is_discarded_with_too_large_and_the_connection_stays_usable()
    {
        await using var server = await TestServer.StartAsync(ProductionLimits);
        await using var good = await GoodPair.StartAsync(server);
        await using var client = await server.GuestAsync("bigmouth");
        var huge = Encoding.UTF8.GetBytes("{\"type\":\"send\",\"text\":\"" + new string('x', 1 << 20) + "\"}\n");
        var sending = client.SendRawAsync(huge);
        await good.ExchangeAsync("beside a megabyte", 10);
        await sending;
        AssertError(await client.ReadUntilAsync(x => x.Type() == "error"), "too_large");
        await client.SendAsync(new { type = "ping", id = "p" });
        Assert.Equal("pong", (await client.ReadUntilAsync(x => x.Str("re") == "p")).Type());
        Assert.DoesNotContain(good.ReceivedTexts(), t => t.StartsWith("xxx", StringComparison.Ordinal));
    }

    private static async Task<string> FirstLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[512];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (Array.IndexOf(buffer, (byte)'\n', 0, length) >= 0)
            {
                break;
            }
        }

        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    /// <summary>
    /// Two well-behaved clients in the lobby: Alice sends, paced by her acknowledgements; Bob records every lobby
    /// message and presence change in the background, so a test can check he got everything.
    /// </summary>
    private sealed class GoodPair : IAsyncDisposable
    {
        private readonly Lock _gate = new();
        private readonly List<JsonObject> _frames = [];
        private readonly List<(Func<JsonObject, bool> Match, TaskCompletionSource<JsonObject> Found)> _waiters = [];
        private readonly Task _recording;
        private int _sent;

        private GoodPair(RawClient alice, RawClient bob, long firstSeq)
        {
            Alice = alice;
            Bob = bob;
            FirstSeq = firstSeq;
            _recording = Task.Run(RecordAsync);
        }

        public RawClient Alice { get; }

        public RawClient Bob { get; }

        /// <summary>The first lobby seq Bob receives live.</summary>
        public long FirstSeq { get; }

        public static async Task<GoodPair> StartAsync(TestServer server)
        {
            var alice = await server.GuestAsync("good-alice");
            var bob = await server.GuestAsync("good-bob");

            // A marker tells where Bob's live stream starts, so later checks compare like with like.
            var marker = await SendOkAsync(alice, "lobby", "marker", "marker");
            await bob.ReadUntilAsync(x => x.Type() == "message" && x.Str("text") == "marker");
            return new GoodPair(alice, bob, marker.Seq() + 1);
        }

        /// <summary>Alice sends <paramref name="count"/> messages (each acknowledged); Bob must receive them all, in order.</summary>
        public async Task ExchangeAsync(string prefix, int count)
        {
            var texts = new List<string>();
            for (var i = 0; i < count; i++)
            {
                var text = $"{prefix} {i}";
                texts.Add(text);
                await SendOkAsync(Alice, "lobby", text, $"good{Interlocked.Increment(ref _sent)}");
            }

            await WaitForAsync(x => x.Type() == "message" && x.Str("text") == texts[^1]);
            Assert.Equal(texts, ReceivedTexts().Where(t => t.StartsWith(prefix + " ", StringComparison.Ordinal)));
        }

        public Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match)
        {
            var found = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_frames.FirstOrDefault(match) is { } already)
                {
                    return Task.FromResult(already);
                }

                _waiters.Add((match, found));
            }

            return found.Task.WaitAsync(RawClient.DefaultTimeout);
        }

        public List<string> ReceivedTexts()
        {
            lock (_gate)
            {
                return [.. _frames.Where(x => x.Type() == "message").Select(x => x.Str("text")!)];
            }
        }

        public List<long> ReceivedSeqs()
        {
            lock (_gate)
            {
                return [.. _frames.Where(x => x.Type() == "message").Select(x => x.Seq())];
            }
        }

        private async Task RecordAsync()
        {
            while (true)
            {
                JsonObject frame;
                try
                {
                    frame = await Bob.ReadAsync(TimeSpan.FromMinutes(10));
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }

                if (frame.Type() is not ("message" or "joined" or "left"))
                {
                    continue;
                }

                lock (_gate)
                {
                    _frames.Add(frame);
                    for (var i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (_waiters[i].Match(frame))
                        {
                            _waiters[i].Found.TrySetResult(frame);
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Alice.DisposeAsync();
            await Bob.DisposeAsync();
            await _recording.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
