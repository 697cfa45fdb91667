using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Piazza.Bench.Targets;

namespace Piazza.Bench.Scenarios;

/// <summary>Round trips of one kind of history request, in Stopwatch ticks, sorted.</summary>
internal sealed record HistorySamples(string Kind, long[] Ticks, long Messages);

/// <summary>
/// A registered client asks for pages of lobby history, one request at a time: <c>before</c> a random seq in
/// [limit + 1, latest] and the latest page (no <c>before</c>), interleaved, N of each. Each answer must hold
/// exactly <c>limit</c> messages (counted by their <c>"seq":</c> keys), so a wrong or empty page cannot pass as fast.
/// </summary>
internal static class HistoryScenario
{
    public static async Task<HistorySamples[]> RunAsync(int port, string user, string password, int requests, int limit, int warmup, TextWriter log, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);
        var login = Stopwatch.StartNew();
        var hello = $"{{\"type\":\"hello\",\"user\":\"{user}\",\"password\":\"{password}\",\"protocol\":1,\"client\":\"piazza-bench\"}}";
        var connection = await RequestConnection.ConnectAsync(endPoint, hello, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await log.WriteLineAsync($"  logged in as {user} in {login.Elapsed.TotalMilliseconds:0} ms (PBKDF2 verify included)").ConfigureAwait(false);

            // The newest seq: the last one in the latest page.
            var latestPage = await RequestAsync(connection, null, limit, "h-probe", cancellationToken).ConfigureAwait(false);
            var latest = LastSeq(latestPage);
            await log.WriteLineAsync($"  lobby holds seq 1..{latest:N0}; {warmup} warm-up + {requests} measured requests of each kind, limit {limit}").ConfigureAwait(false);
            if (latest <= limit)
            {
                throw new InvalidOperationException($"the lobby holds only {latest} messages; seed it first");
            }

            var random = new Random(12345);
            var randomTicks = new long[requests];
            var latestTicks = new long[requests];
            var messages = 0L;
            for (var i = -warmup; i < requests; i++)
            {
                var before = random.NextInt64(limit + 1, latest + 1);
                var t0 = Stopwatch.GetTimestamp();
                var page = await RequestAsync(connection, before, limit, "r" + i.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                var t1 = Stopwatch.GetTimestamp();
                page = Check(page, limit, before);
                var t2 = Stopwatch.GetTimestamp();
                var top = await RequestAsync(connection, null, limit, "l" + i.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                var t3 = Stopwatch.GetTimestamp();
                Check(top, limit, latest + 1);
                if (i >= 0)
                {
                    randomTicks[i] = t1 - t0;
                    latestTicks[i] = t3 - t2;
                    messages += 2L * limit;
                }
            }

            Array.Sort(randomTicks);
            Array.Sort(latestTicks);
            return [new HistorySamples("random", randomTicks, messages / 2), new HistorySamples("latest", latestTicks, messages / 2)];
        }
    }

    private static async Task<byte[]> RequestAsync(RequestConnection connection, long? before, int limit, string id, CancellationToken cancellationToken)
    {
        var beforeField = before is { } b ? string.Create(CultureInfo.InvariantCulture, $",\"before\":{b}") : "";
        var frame = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"type\":\"history\",\"room\":\"lobby\"{beforeField},\"limit\":{limit},\"id\":\"{id}\"}}"));
        var answer = await connection.RequestAsync(frame, id, cancellationToken).ConfigureAwait(false);
        if (!answer.AsSpan().StartsWith("{\"type\":\"history\""u8))
        {
            throw new IOException($"history request refused: {Encoding.UTF8.GetString(answer)}");
        }

        return answer;
    }

    /// <summary>The page must hold <paramref name="limit"/> messages, the last one just below <paramref name="before"/>.</summary>
    private static byte[] Check(byte[] page, int limit, long before)
    {
        var count = 0;
        var rest = page.AsSpan();
        int at;
        while ((at = rest.IndexOf("\"seq\":"u8)) >= 0)
        {
            count++;
            rest = rest[(at + 6)..];
        }

        var last = LastSeq(page);
        if (count != limit || last != before - 1)
        {
            throw new InvalidOperationException($"expected {limit} messages ending at seq {before - 1}, got {count} ending at {last}");
        }

        return page;
    }

    private static long LastSeq(byte[] page)
    {
        var span = page.AsSpan();
        var at = span.LastIndexOf("\"seq\":"u8);
        if (at < 0)
        {
            return 0;
        }

        System.Buffers.Text.Utf8Parser.TryParse(span[(at + 6)..], out long seq, out _);
        return seq;
    }
}
