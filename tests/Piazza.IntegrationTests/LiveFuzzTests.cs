using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Protocol;
using Xunit.Abstractions;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>The live fuzz test counts unobserved task exceptions process-wide, so nothing else may run beside it.</summary>
[CollectionDefinition(nameof(LiveFuzzCollection), DisableParallelization = true)]
public sealed class LiveFuzzCollection;

/// <summary>
/// Property-based fuzzing of live connections: hostile clients on both doors send random bytes, random JSON and random
/// valid frames in random order while a well-behaved sender and watcher chat. The server must answer every line it
/// cannot decode with an error code (or close), never report server_error, never leave a task exception unobserved,
/// and the watcher must get every message of the sender, in order. Seeded: PIAZZA_FUZZ_SEED repeats a run.
/// </summary>
[Collection(nameof(LiveFuzzCollection))]
public sealed class LiveFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 20_261_124;
    private const int HostileConnections = 4;
    private const int CasesPerConnection = 120;
    private const int SenderMessages = 40;

    private static readonly string[] DecodeErrorCodes = [ErrorCode.BadFrame.ToWire(), ErrorCode.BadRequest.ToWire(), ErrorCode.TooLarge.ToWire(), ErrorCode.RateLimited.ToWire()];

    [Fact]
    public async Task Hostile_random_input_on_both_doors_never_hurts_the_server_or_a_well_behaved_client()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PIAZZA_FUZZ_SEED"), CultureInfo.InvariantCulture, out var chosen) ? chosen : DefaultSeed;
        var unobserved = new ConcurrentQueue<Exception>();
        void Record(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += Record;
        var stats = new FuzzStats();
        try
        {
            await RunAsync(seed, stats);

            // Tasks the server dropped are finalised by a full collection; their exceptions surface now or never.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            Assert.True(unobserved.IsEmpty, $"unobserved task exceptions: {string.Join("\n", unobserved)}");
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException || !ex.Message.StartsWith("fuzz seed", StringComparison.Ordinal))
        {
            throw new Xunit.Sdk.XunitException($"fuzz seed {seed} failed (PIAZZA_FUZZ_SEED={seed} repeats it): {ex}");
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= Record;
            output.WriteLine($"seed {seed}: {stats}");
        }
    }

    private async Task RunAsync(int seed, FuzzStats stats)
    {
        await using var server = await TestServer.StartAsync();
        await using var watcher = await server.GuestAsync("watcher");
        await using var sender = await server.GuestAsync("sender");

        var watching = WatchAsync(watcher);
        var hostiles = Enumerable.Range(0, HostileConnections)
            .Select(i => Task.Run(() => RunHostileAsync(server, i, new Random(seed + i), stats)))
            .ToList();
        var sending = SendAllAsync(sender);
        await Task.WhenAll([.. hostiles, sending]);

        var (texts, seqs, errors) = await watching;
        Assert.Equal(Enumerable.Range(0, SenderMessages).Select(i => $"m{i}"), texts);
        Assert.Equal(seqs.Order(), seqs);
        Assert.Empty(errors);

        // Still open for business: a newcomer gets in and is heard.
        await using var newcomer = await server.GuestAsync("newcomer");
        await SendOkAsync(newcomer, "lobby", "after the storm", "after");
        var last = await watcher.ReadUntilAsync(f => f.Type() == "message" && f.Str("from") == "newcomer");
        Assert.Equal("after the storm", last.Str("text"));
    }

    /// <summary>Sends m0…m(N-1), each after the previous one's ok; a rate limit is waited out and the message sent again.</summary>
    private static async Task SendAllAsync(RawClient sender)
    {
        for (var i = 0; i < SenderMessages; i++)
        {
            while (true)
            {
                var answer = await RequestAsync(sender, new { type = "send", room = "lobby", text = $"m{i}", id = $"m{i}" }, $"m{i}");
                if (answer.Type() == "error" && answer.Str("code") == ErrorCode.RateLimited.ToWire())
                {
                    await Task.Delay(TimeSpan.FromSeconds(answer["retryAfter"]?.GetValue<double>() ?? 1));
                    continue;
                }

                AssertOk(answer);
                break;
            }
        }
    }

    /// <summary>The sender's lobby messages the watcher receives, their seqs, and any error frame it was sent.</summary>
    private static async Task<(List<string> Texts, List<long> Seqs, List<JsonObject> Errors)> WatchAsync(RawClient watcher)
    {
        var texts = new List<string>();
        var seqs = new List<long>();
        var errors = new List<JsonObject>();
        while (texts.Count < SenderMessages)
        {
            var frame = await watcher.ReadAsync();
            if (frame.Type() == "message" && frame.Str("from") == "sender" && frame.Str("room") == "lobby")
            {
                texts.Add(frame.Str("text")!);
                seqs.Add(frame.Seq());
            }
            else if (frame.Type() is "error" or "shutdown")
            {
                errors.Add(frame);
            }
        }

        return (texts, seqs, errors);
    }

    private async Task RunHostileAsync(TestServer server, int index, Random random, FuzzStats stats)
    {
        var webSocket = index % 2 == 1;
        var sayHello = index < 2;
        var input = new HostileInput(random);
        var client = await ConnectAsync(server, webSocket, sayHello, index, 0);
        var reconnects = 0;
        var rateLimited = false;
        try
        {
            for (var n = 0; n < CasesPerConnection; n++)
            {
                var kind = random.Next(3);
                var line = kind switch
                {
                    0 => input.RandomBytes(),
                    1 => input.RandomJson(),
                    _ => input.RandomValidFrame(),
                };
                var decodes = TryDecodeLocally(line, out var expected);
                var answer = await ExchangeAsync(client, line, $"sync{n}");
                stats.Count(kind, decodes, answer.Closed);
                var context = $"connection {index} ({(webSocket ? "WebSocket" : "TCP")}), case {n}: {Convert.ToBase64String(line)}";

                Assert.False(answer.Frames.Any(f => f.Type() == "error" && f.Str("code") == ErrorCode.ServerError.ToWire()), $"server_error; {context}");
                Assert.All(answer.Frames.Where(f => f.Type() == "error"), f => Assert.False(string.IsNullOrEmpty(f.Str("code")), context));
                if (!decodes && !answer.Closed)
                {
                    // The first frame answering an undecodable line is its error, with the code the codec gives.
                    var error = answer.Frames.FirstOrDefault(f => f.Type() == "error");
                    Assert.True(error is not null, $"no error for an undecodable line; {context}");
                    Assert.Contains(error.Str("code"), DecodeErrorCodes);
                    Assert.True(expected is null || error.Str("code") == expected || error.Str("code") == ErrorCode.RateLimited.ToWire(), $"expected {expected}, got {error.ToJsonString()}; {context}");
                }

                rateLimited |= answer.Frames.Any(f => f.Str("code") == ErrorCode.RateLimited.ToWire());
                if (answer.Closed)
                {
                    // The only closes the protocol allows here: a WebSocket text message that is not UTF-8 (1007), or
                    // a client disconnected for flooding after being told it is rate limited.
                    Assert.True(rateLimited || (webSocket && !System.Text.Unicode.Utf8.IsValid(line)), $"closed unexpectedly; {context}");
                    rateLimited = false;

                    await client.DisposeAsync();
                    reconnects++;
                    client = await ConnectAsync(server, webSocket, sayHello, index, reconnects);
                }
            }
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>What the codec makes of a line here, to know what the server should answer; null code when it throws.</summary>
    private static bool TryDecodeLocally(byte[] line, out string? expectedCode)
    {
        try
        {
            var decodes = FrameCodec.TryDecodeClient(new ReadOnlySequence<byte>(line), out _, out var error);
            expectedCode = error.Code.ToWire();
            return decodes;
        }
        catch (InvalidOperationException)
        {
            // The codec failing is the server's problem to survive; the assertions below still hold it to an error code.
            expectedCode = null;
            return false;
        }
    }

    private static async Task<RawClient> ConnectAsync(TestServer server, bool webSocket, bool sayHello, int index, int generation)
    {
        var client = webSocket ? await RawClient.ConnectWebSocketAsync(server.HttpBase) : await RawClient.ConnectAsync(server.Port);
        if (sayHello)
        {
            await client.SendAsync(new { type = "hello", user = $"fuzzer{index}x{generation}" });
            AssertWelcome(await client.ReadUntilAsync(f => f.Type() is "welcome" or "error"));
        }

        return client;
    }

    private static void AssertWelcome(JsonObject answer)
        => Assert.True(answer.Type() == "welcome", $"expected welcome, got {answer.ToJsonString()}");

    /// <summary>Sends one hostile line, then a ping; returns what came back before the pong, or that the server closed.</summary>
    private static async Task<(List<JsonObject> Frames, bool Closed)> ExchangeAsync(RawClient client, byte[] line, string syncId)
    {
        var frames = new List<JsonObject>();
        try
        {
            await client.SendRawAsync([.. line, (byte)'\n', .. System.Text.Encoding.UTF8.GetBytes($"{{\"type\":\"ping\",\"id\":\"{syncId}\"}}\n")]);
            await client.ReadUntilAsync(f => f.Type() == "pong" && f.Str("re") == syncId, skipped: frames);
            return (frames, false);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or SocketException or WebSocketException or ObjectDisposedException)
        {
            return (frames, true);
        }
    }

    /// <summary>How many cases of each kind ran, how many could not be decoded, and how many ended in a close.</summary>
    private sealed class FuzzStats
    {
        private readonly int[] _cases = new int[3];
        private readonly int[] _undecodable = new int[3];
        private int _closes;

        public void Count(int kind, bool decodes, bool closed)
        {
            Interlocked.Increment(ref _cases[kind]);
            if (!decodes)
            {
                Interlocked.Increment(ref _undecodable[kind]);
            }

            if (closed)
            {
                Interlocked.Increment(ref _closes);
            }
        }

        public override string ToString()
            => $"bytes {_cases[0]} ({_undecodable[0]} undecodable), json {_cases[1]} ({_undecodable[1]} undecodable), "
               + $"valid frames {_cases[2]} ({_undecodable[2]} undecodable), closes {_closes}";
    }
}
