using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Piazza.Core.Search;
using Piazza.Core.Storage;
using Piazza.Storage.Sqlite;

namespace Piazza.Bench.Scenarios;

/// <summary>What <see cref="SearchScenario"/> measured: append rates with and without the index, and search round trips (ticks, sorted).</summary>
internal sealed record SearchBenchResult(double AppendPerSecondIndexed, double AppendPerSecondPlain, long Messages, double FillSeconds, long DatabaseBytes, IReadOnlyDictionary<string, long[]> Ticks, double MeanHits);

/// <summary>
/// Full-text search on the SQLite store, in process (no server, no wire): the store's own append path fills
/// <c>messages</c> conversations with realistic text (a Zipf-distributed vocabulary of 5,000 words, 3 to 30 words per
/// message) in batches of 512, as the server's MessageLog writes. The append rate is measured over the same first
/// messages on two fresh files: one with the search migration's triggers, one with them dropped. Then queries of five
/// kinds (one common word, two words, a prefix, a phrase, a rare word with from:) run against the full file as the
/// server runs them: parse, store search over 60 conversations, snippets; p50/p99 per kind.
/// </summary>
internal static class SearchScenario
{
    private const int Batch = 512;
    private const int Rooms = 50;
    private const int Directs = 10;

    public static async Task<SearchBenchResult> RunAsync(string folder, long messages, long rateMessages, int queries, bool reuse, TextWriter log, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var text = new TextGenerator(42);
        var plainPath = Path.Combine(folder, "plain.db");
        var indexedPath = Path.Combine(folder, "search.db");
        if (reuse && File.Exists(indexedPath))
        {
            // Queries only, on the file a previous run filled (its append rates were printed then).
            var filled = await OpenAsync(indexedPath, cancellationToken).ConfigureAwait(false);
            await using (filled.ConfigureAwait(false))
            {
                await log.WriteLineAsync("  reusing the filled search.db: queries only").ConfigureAwait(false);
                return await QueryAsync(filled, text, queries, double.NaN, double.NaN, messages, 0, indexedPath, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var path in new[] { plainPath, indexedPath })
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }

        double plainRate;
        var plain = await OpenAsync(plainPath, cancellationToken).ConfigureAwait(false);
        await using (plain.ConfigureAwait(false))
        {
            DropSearchTriggers(plainPath);
            plainRate = await AppendAsync(plain, new TextGenerator(7), 0, rateMessages, cancellationToken).ConfigureAwait(false);
            await log.WriteLineAsync($"  without the index: {rateMessages:N0} appended at {plainRate:N0} msg/s").ConfigureAwait(false);
        }

        var store = await OpenAsync(indexedPath, cancellationToken).ConfigureAwait(false);
        await using (store.ConfigureAwait(false))
        {
            var indexedRate = await AppendAsync(store, new TextGenerator(7), 0, rateMessages, cancellationToken).ConfigureAwait(false);
            await log.WriteLineAsync($"  with the index:    {rateMessages:N0} appended at {indexedRate:N0} msg/s").ConfigureAwait(false);
            var fill = Stopwatch.StartNew();
            await AppendAsync(store, text, rateMessages, messages - rateMessages, cancellationToken).ConfigureAwait(false);
            await log.WriteLineAsync($"  filled to {messages:N0} messages in {fill.Elapsed.TotalSeconds:0} s more").ConfigureAwait(false);

            return await QueryAsync(store, text, queries, indexedRate, plainRate, messages, fill.Elapsed.TotalSeconds, indexedPath, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<SearchBenchResult> QueryAsync(SqliteChatStore store, TextGenerator text, int queries, double indexedRate, double plainRate, long messages, double fillSeconds, string indexedPath, CancellationToken cancellationToken)
    {
        var conversations = Enumerable.Range(0, Rooms).Select(Room).Concat(Enumerable.Range(0, Directs).Select(Direct)).ToArray();
        var kinds = new (string Kind, Func<Random, string> Query)[]
        {
            ("word", r => text.Common(r)),
            ("two_words", r => $"{text.Common(r)} {text.Common(r)}"),
            ("prefix", r => text.Common(r) is var w ? w[..Math.Min(3, w.Length)] + "*" : ""),
            ("phrase", r => $"\"{text.Common(r)} {text.Common(r)}\""),
            ("rare_from", r => $"{text.Rare(r)} from:user{r.Next(20)}"),
        };
        var ticks = new Dictionary<string, long[]>();
        var hits = 0L;
        var random = new Random(99);
        foreach (var (kind, make) in kinds)
        {
            var samples = new long[queries];
            for (var i = -queries / 10; i < queries; i++)
            {
                var q = make(random);
                var t0 = Stopwatch.GetTimestamp();
                var parsed = SearchQueryParser.Parse(q);
                var found = await store.SearchAsync(new SearchRequest(parsed.Value!, conversations, parsed.Value!.From, null, 21), cancellationToken).ConfigureAwait(false);
                foreach (var hit in found.Take(20))
                {
                    SearchSnippet.Build(hit.Message.Text, parsed.Value!);
                }

                if (i >= 0)
                {
                    samples[i] = Stopwatch.GetTimestamp() - t0;
                    hits += Math.Min(20, found.Count);
                }
            }

            Array.Sort(samples);
            ticks[kind] = samples;
        }

        return new SearchBenchResult(indexedRate, plainRate, messages, fillSeconds, new FileInfo(indexedPath).Length, ticks, hits / (double)(queries * kinds.Length));
    }

    private static async Task<SqliteChatStore> OpenAsync(string path, CancellationToken cancellationToken)
    {
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = path, SynchronousFull = false });
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>The store without search: the same schema, the three triggers of migration 12 dropped.</summary>
    private static void DropSearchTriggers(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "DROP TRIGGER messages_search_insert; DROP TRIGGER messages_search_update; DROP TRIGGER messages_search_delete;";
        command.ExecuteNonQuery();
    }

    /// <summary>Appends <paramref name="count"/> messages spread over the conversations; answers messages per second.</summary>
    private static async Task<double> AppendAsync(SqliteChatStore store, TextGenerator text, long first, long count, CancellationToken cancellationToken)
    {
        var random = new Random((int)(first % int.MaxValue) + 1);
        var seqs = new Dictionary<string, long>();
        var start = DateTimeOffset.UtcNow.AddDays(-30);
        var watch = Stopwatch.StartNew();
        var batch = new List<StoredMessage>(Batch);
        for (var n = first; n < first + count; n++)
        {
            var conversation = random.Next(100) < 90 ? Room(random.Next(Rooms)) : Direct(random.Next(Directs));
            var seq = seqs[conversation] = (seqs.TryGetValue(conversation, out var s) ? s : await store.LastSeqAsync(conversation, cancellationToken).ConfigureAwait(false)) + 1;
            var sender = random.Next(20);
            batch.Add(new StoredMessage(conversation, seq, $"b{n:x12}", $"user{sender}", $"user{sender}", null, text.Message(random), start.AddMilliseconds(n * 2), null));
            if (batch.Count == Batch)
            {
                await store.AppendAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await store.AppendAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    private static string Room(int i) => $"room{i}";

    private static string Direct(int i) => $"@user{i},user{i + 1}";

    /// <summary>Chat-like text: words drawn from a Zipf distribution over a fixed vocabulary, some with diacritics.</summary>
    private sealed class TextGenerator
    {
        private static readonly string[] Vocabulary =
        [
            "the", "a", "to", "is", "it", "and", "we", "i", "you", "on", "for", "in", "of", "this", "that", "be", "deploy",
            "friday", "build", "test", "review", "merge", "release", "fix", "bug", "server", "client", "meeting", "today",
            "tomorrow", "lunch", "coffee", "café", "naïve", "résumé", "ok", "thanks", "please", "check", "log", "error",
            "database", "index", "search", "query", "latency", "cluster", "node", "room", "message", "update", "branch",
        ];

        private readonly string[] _words;
        private readonly double[] _cumulative;

        public TextGenerator(int seed)
        {
            var random = new Random(seed);
            const string syllables = "ka ri to na me so lu vi de pa mo xe ti ba ro fe gu zi ne la";
            var parts = syllables.Split(' ');
            var words = new List<string>(Vocabulary);
            var seen = new HashSet<string>(Vocabulary);
            while (words.Count < 5000)
            {
                var word = string.Concat(Enumerable.Range(0, random.Next(2, 5)).Select(_ => parts[random.Next(parts.Length)]));
                if (seen.Add(word))
                {
                    words.Add(word);
                }
            }

            _words = [.. words];
            _cumulative = new double[_words.Length];
            var total = 0.0;
            for (var i = 0; i < _words.Length; i++)
            {
                total += 1.0 / (i + 1);
                _cumulative[i] = total;
            }

            for (var i = 0; i < _cumulative.Length; i++)
            {
                _cumulative[i] /= total;
            }
        }

        public string Word(Random random)
        {
            var index = Array.BinarySearch(_cumulative, random.NextDouble());
            return _words[Math.Min(_words.Length - 1, index < 0 ? ~index : index)];
        }

        /// <summary>One of the 200 most frequent words past the stop words.</summary>
        public string Common(Random random) => _words[16 + random.Next(200)];

        /// <summary>A word in the vocabulary's tail.</summary>
        public string Rare(Random random) => _words[2000 + random.Next(3000)];

        public string Message(Random random)
            => string.Join(' ', Enumerable.Range(0, random.Next(3, 31)).Select(_ => Word(random)));
    }
}
