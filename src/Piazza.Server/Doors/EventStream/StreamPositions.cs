using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Piazza.Server.Doors.EventStream;

/// <summary>
/// An event stream's position in each conversation it carries (conversation key → the last seq delivered), as the
/// native protocol's <c>resume</c> holds it, and its two spellings: the compact event id (<c>v1.</c> and base64url of
/// <c>key:seq</c> lines), which EventSource sends back as <c>Last-Event-ID</c>, and the readable <c>?after=key:seq,key:seq</c>.
/// Owned by one stream's write loop: not thread-safe.
/// </summary>
public sealed class StreamPositions
{
    /// <summary>
    /// Most conversations an id holds: a login enters at most 100 rooms (the default <c>--max-rooms-per-user</c>) and 50
    /// private conversations, so 200 leaves room for conversations started while streaming. Beyond it the one advanced
    /// least recently is forgotten (a resume enters it as a first connection does).
    /// </summary>
    public const int MaxConversations = 200;

    /// <summary>Longest id (and <c>Last-Event-ID</c> or <c>after</c>) accepted, in characters: far inside Kestrel's 32 KiB of headers.</summary>
    public const int MaxChars = 16 * 1024;

    private const string Version = "v1.";

    private readonly Dictionary<string, Entry> _seqs = new(StringComparer.Ordinal);
    private long _clock;
    private string? _id;
    private byte[]? _idBytes;

    /// <summary>How many conversations the positions hold.</summary>
    public int Count => _seqs.Count;

    /// <summary>The position in <paramref name="conversation"/>, if any.</summary>
    public long? this[string conversation] => _seqs.TryGetValue(conversation, out var entry) ? entry.Seq : null;

    /// <summary>The positions as the hub's resume map (conversation key → seq).</summary>
    public Dictionary<string, long> ToResume() => _seqs.ToDictionary(p => p.Key, p => p.Value.Seq, StringComparer.Ordinal);

    /// <summary>Records that everything in <paramref name="conversation"/> up to <paramref name="seq"/> was delivered.</summary>
    public void Advance(string conversation, long seq)
    {
        var known = _seqs.TryGetValue(conversation, out var entry);
        if (known && entry.Seq == seq)
        {
            return;
        }

        _seqs[conversation] = new Entry(Math.Max(seq, 0), ++_clock);
        Changed();

        // Only a new conversation can make the id notably longer (a seq gains a digit now and then: MaxChars is far
        // inside the header limit for that).
        while (!known && (_seqs.Count > MaxConversations || (_seqs.Count > 1 && Id.Length > MaxChars)))
        {
            _seqs.Remove(_seqs.MinBy(p => p.Value.Advanced).Key);
            Changed();
        }
    }

    /// <summary>Forgets a conversation the stream no longer carries (the user left it).</summary>
    public void Forget(string conversation)
    {
        if (_seqs.Remove(conversation))
        {
            Changed();
        }
    }

    /// <summary>The event id for the positions now (cached until they change).</summary>
    public string Id => _id ??= Encode();

    /// <summary><see cref="Id"/> as the ASCII bytes of an <c>id:</c> field.</summary>
    public byte[] IdBytes => _idBytes ??= Encoding.ASCII.GetBytes(Id);

    private void Changed() => (_id, _idBytes) = (null, null);

    /// <summary>
    /// Reads positions from a <c>Last-Event-ID</c> (<paramref name="lastEventId"/>, preferred: EventSource sends it on
    /// every reconnect while the URL keeps its first <c>after</c>) or an <c>after</c> query; null problem when valid.
    /// </summary>
    public static StreamPositions? TryParse(string? lastEventId, string? after, out string? problem, out bool tooLarge)
    {
        problem = null;
        tooLarge = false;
        var positions = new StreamPositions();
        var text = !string.IsNullOrEmpty(lastEventId) ? lastEventId : after;
        if (string.IsNullOrEmpty(text))
        {
            return positions;
        }

        if (text.Length > MaxChars)
        {
            (problem, tooLarge) = ($"a stream position is at most {MaxChars} characters ({text.Length} given)", true);
            return null;
        }

        var pairs = !string.IsNullOrEmpty(lastEventId) ? DecodeId(lastEventId) : SplitAfter(after!);
        if (pairs is null)
        {
            problem = !string.IsNullOrEmpty(lastEventId)
                ? "Last-Event-ID is not an id this server sent"
                : "\"after\" must be conversation:seq pairs separated by commas, e.g. after=lobby:12,dev:40";
            return null;
        }

        foreach (var (key, seq) in pairs)
        {
            positions._seqs[key] = new Entry(seq, ++positions._clock);
            if (positions._seqs.Count > MaxConversations)
            {
                (problem, tooLarge) = ($"a stream position names at most {MaxConversations} conversations", true);
                return null;
            }
        }

        return positions;
    }

    private string Encode()
    {
        var text = new StringBuilder();
        foreach (var (key, entry) in _seqs.OrderBy(p => p.Value.Advanced))
        {
            text.Append(key).Append(':').Append(entry.Seq.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Version + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static List<(string Key, long Seq)>? DecodeId(string id)
    {
        if (!id.StartsWith(Version, StringComparison.Ordinal))
        {
            return null;
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(id.AsSpan(Version.Length)));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return null;
        }

        var pairs = new List<(string, long)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (ParsePair(line) is not { } pair)
            {
                return null;
            }

            pairs.Add(pair);
        }

        return pairs;
    }

    /// <summary>
    /// <c>key:seq,key:seq</c>; a group conversation's key holds commas (<c>@ann,bob,cy</c>), so a pair ends at the comma
    /// after its digits, not at the first comma.
    /// </summary>
    private static List<(string Key, long Seq)>? SplitAfter(string after)
    {
        var pairs = new List<(string, long)>();
        var start = 0;
        while (start < after.Length)
        {
            var colon = after.IndexOf(':', start);
            if (colon < 0)
            {
                return null;
            }

            var end = colon + 1;
            while (end < after.Length && char.IsAsciiDigit(after[end]))
            {
                end++;
            }

            if (end < after.Length && after[end] != ',')
            {
                return null;
            }

            if (ParsePair(after[start..end]) is not { } pair)
            {
                return null;
            }

            pairs.Add(pair);
            start = end + 1;
        }

        return pairs;
    }

    private static (string, long)? ParsePair(string pair)
    {
        var colon = pair.LastIndexOf(':');
        return colon > 0 && colon < pair.Length - 1 && colon < 400
            && long.TryParse(pair.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            ? (pair[..colon], seq)
            : null;
    }

    private readonly record struct Entry(long Seq, long Advanced);
}
