using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>One dispatched Server-Sent Event: its type, data, and the stream's last event id when it was dispatched.</summary>
public sealed record SseEvent(string Event, string Data, string? LastEventId)
{
    public JsonObject Json => JsonNode.Parse(Data)!.AsObject();
}

/// <summary>
/// A Server-Sent Events parser as the WHATWG spec gives it (lines end in CRLF, LF or CR; <c>:</c> comments; <c>event</c>,
/// <c>data</c>, <c>id</c>, <c>retry</c> fields; an event is dispatched at a blank line, and only if it has data), over any
/// stream: an <see cref="HttpClient"/> response, a socket, a pipe.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly IDisposable? _owner;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly List<byte> _lineBytes = [];
    private int _start;
    private int _end;
    private bool _lastWasCr;
    private string? _lastEventId;
    private string _eventType = "";
    private StringBuilder? _data;

    public SseReader(Stream stream, IDisposable? owner = null)
    {
        _stream = stream;
        _owner = owner;
    }

    /// <summary>Comment lines read so far (the server's heartbeats).</summary>
    public int Comments { get; private set; }

    /// <summary>The last <c>retry</c> the server gave, in milliseconds.</summary>
    public int? Retry { get; private set; }

    public string? LastEventId => _lastEventId;

    /// <summary>Opens <c>GET /api/events</c> with a bearer token, optionally resuming; fails the test unless it is a 200 event stream.</summary>
    public static async Task<SseReader> OpenAsync(TestServer server, string token, string? lastEventId = null, string query = "")
    {
        var (reader, response) = await TryOpenAsync(server, token, lastEventId, query);
        if (reader is null)
        {
            Assert.Fail($"GET /api/events answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return reader;
    }

    /// <summary>Opens <c>GET /api/events</c>; the reader is null when the answer was not 200 (the response holds the error).</summary>
    public static async Task<(SseReader? Reader, HttpResponseMessage Response)> TryOpenAsync(TestServer server, string? token, string? lastEventId = null, string query = "")
    {
        var http = new HttpClient { BaseAddress = server.HttpBase, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/events" + query);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            http.Dispose();
            return (null, response);
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return (new SseReader(await response.Content.ReadAsStreamAsync(), new Owner(http, response)), response);
    }

    /// <summary>The next event, or null when the stream ended; fails the test after <paramref name="timeout"/> (default 30 s).</summary>
    public async Task<SseEvent?> ReadAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var line = await ReadLineAsync(cancel.Token);
                if (line is null)
                {
                    return null;
                }

                if (line.Length == 0)
                {
                    if (_data is { } data)
                    {
                        var text = data.ToString();
                        var dispatched = new SseEvent(_eventType.Length == 0 ? "message" : _eventType, text.EndsWith('\n') ? text[..^1] : text, _lastEventId);
                        (_data, _eventType) = (null, "");
                        return dispatched;
                    }

                    _eventType = "";
                    continue;
                }

                if (line[0] == ':')
                {
                    Comments++;
                    continue;
                }

                var colon = line.IndexOf(':');
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..];
                if (value.StartsWith(' '))
                {
                    value = value[1..];
                }

                switch (field)
                {
                    case "event":
                        _eventType = value;
                        break;
                    case "data":
                        (_data ??= new StringBuilder()).Append(value).Append('\n');
                        break;
                    case "id" when !value.Contains('\0'):
                        _lastEventId = value;
                        break;
                    case "retry" when int.TryParse(value, out var retry):
                        Retry = retry;
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException("no server-sent event within the timeout");
        }
    }

    /// <summary>Reads lines until <paramref name="count"/> more comment lines came (heartbeats); returns how many did.</summary>
    public async Task<int> ReadCommentsAsync(int count, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var seen = 0;
        while (seen < count && await ReadLineAsync(cancel.Token) is { } line)
        {
            seen += line.StartsWith(':') ? 1 : 0;
        }

        Comments += seen;
        return seen;
    }

    /// <summary>Reads events until one matches; the ones passed over go to <paramref name="skipped"/>.</summary>
    public async Task<SseEvent> ReadUntilAsync(Func<SseEvent, bool> match, TimeSpan? timeout = null, List<SseEvent>? skipped = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var next = await ReadAsync(deadline - DateTime.UtcNow) ?? throw new InvalidOperationException("the event stream ended");
            if (match(next))
            {
                return next;
            }

            skipped?.Add(next);
        }
    }

    /// <summary>Reads every event until the stream ends.</summary>
    public async Task<List<SseEvent>> ReadToEndAsync(TimeSpan? timeout = null)
    {
        var events = new List<SseEvent>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (await ReadAsync(deadline - DateTime.UtcNow) is { } next)
        {
            events.Add(next);
        }

        return events;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _lineBytes.Clear();
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await _stream.ReadAsync(_buffer, cancellationToken);
                if (_end == 0)
                {
                    return null;
                }
            }

            var b = _buffer[_start++];
            if (_lastWasCr && b == (byte)'\n')
            {
                _lastWasCr = false;
                continue;
            }

            _lastWasCr = b == (byte)'\r';
            if (b is (byte)'\n' or (byte)'\r')
            {
                return Encoding.UTF8.GetString([.. _lineBytes]);
            }

            _lineBytes.Add(b);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _owner?.Dispose();
    }

    private sealed class Owner(HttpClient http, HttpResponseMessage response) : IDisposable
    {
        public void Dispose()
        {
            response.Dispose();
            http.Dispose();
        }
    }
}
