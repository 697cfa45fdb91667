using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// A raw IRC client for tests: writes lines (or raw bytes), reads lines, and waits for the one a test expects with a
/// timeout (never a fixed sleep). Lines read while waiting are kept in <see cref="Seen"/>, so a test can also assert
/// what did not arrive. Parsing is deliberately small: <see cref="IrcLineParts"/>.
/// </summary>
public sealed class IrcTestClient : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly StreamReader _reader;
    private readonly List<string> _seen = [];
    private Task<string?>? _pendingRead;

    private IrcTestClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
        _reader = new StreamReader(stream, new UTF8Encoding(false), false, 1 << 16);
    }

    /// <summary>Every line read so far, in order.</summary>
    public IReadOnlyList<string> Seen => _seen;

    /// <summary>The nick the server welcomed this client as (set by <see cref="RegisterAsync"/>).</summary>
    public string Nick { get; private set; } = "*";

    public static Task<IrcTestClient> ConnectAsync(TestServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return ConnectAsync(server.IrcEndPoint!.Port);
    }

    /// <summary>A plain connection to an IRC port on 127.0.0.1 (a server process, a cluster node), not registered.</summary>
    public static async Task<IrcTestClient> ConnectAsync(int port)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        return new IrcTestClient(tcp, tcp.GetStream());
    }

    public static async Task<IrcTestClient> ConnectTlsAsync(int port, RemoteCertificateValidationCallback validate)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync("127.0.0.1", port);
        var ssl = new SslStream(tcp.GetStream(), false, validate);
        await ssl.AuthenticateAsClientAsync("localhost");
        return new IrcTestClient(tcp, ssl);
    }

    /// <summary>
    /// Registers: <c>CAP LS 302</c>, the requested caps, SASL PLAIN when <paramref name="password"/> is given (as
    /// <paramref name="nick"/>'s account), NICK, USER, CAP END; waits for 001 and the end of the welcome burst (376/422).
    /// </summary>
    public static Task<IrcTestClient> RegisterAsync(TestServer server, string nick, string? password = null, params string[] caps)
    {
        ArgumentNullException.ThrowIfNull(server);
        return RegisterAsync(server.IrcEndPoint!.Port, nick, password, caps);
    }

    /// <inheritdoc cref="RegisterAsync(TestServer, string, string?, string[])"/>
    public static async Task<IrcTestClient> RegisterAsync(int port, string nick, string? password = null, params string[] caps)
    {
        var client = await ConnectAsync(port);
        await client.SendAsync("CAP LS 302");
        await client.ExpectAsync(l => l.Command == "CAP" && l.Param(1) == "LS");
        var wanted = password is null ? caps : [.. caps, "sasl"];
        if (wanted.Length > 0)
        {
            await client.SendAsync("CAP REQ :" + string.Join(' ', wanted.Distinct()));
            await client.ExpectAsync(l => l.Command == "CAP" && l.Param(1) == "ACK");
        }

        if (password is not null)
        {
            await client.SendAsync("AUTHENTICATE PLAIN");
            await client.ExpectAsync(l => l.Command == "AUTHENTICATE");
            await client.SendAsync("AUTHENTICATE " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{nick}\0{password}")));
            await client.ExpectAsync(l => l.Command == "903");
        }

        await client.SendAsync($"NICK {nick}");
        await client.SendAsync($"USER {nick} 0 * :{nick}");
        await client.SendAsync("CAP END");
        var welcome = await client.ExpectAsync(l => l.Command == "001");
        client.Nick = welcome.Param(0)!;
        await client.ExpectAsync(l => l.Command is "376" or "422");
        return client;
    }

    public async Task SendAsync(string line) => await SendRawAsync(Encoding.UTF8.GetBytes(line + "\r\n"));

    public async Task SendRawAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>The next line, or null when the server closed the connection.</summary>
    public async Task<IrcLineParts?> ReadAsync(TimeSpan? timeout = null)
    {
        // A read that timed out is still pending on the reader: the next call waits for that one, not a second.
        _pendingRead ??= _reader.ReadLineAsync();
        var line = await _pendingRead.WaitAsync(timeout ?? DefaultTimeout);
        _pendingRead = null;
        if (line is null)
        {
            return null;
        }

        _seen.Add(line);
        return IrcLineParts.Parse(line);
    }

    /// <summary>Reads until a line matches; fails with what was seen when the connection closes or time runs out.</summary>
    public async Task<IrcLineParts> ExpectAsync(Func<IrcLineParts, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            IrcLineParts? line;
            try
            {
                line = left > TimeSpan.Zero ? await ReadAsync(left) : throw new TimeoutException();
            }
            catch (TimeoutException)
            {
                throw new Xunit.Sdk.XunitException("no matching line within the timeout; seen:\n" + string.Join('\n', _seen.TakeLast(40)));
            }

            if (line is null)
            {
                throw new Xunit.Sdk.XunitException("the server closed the connection; seen:\n" + string.Join('\n', _seen.TakeLast(40)));
            }

            if (match(line))
            {
                return line;
            }
        }
    }

    /// <summary>Reads until the command (e.g. a numeric) arrives.</summary>
    public Task<IrcLineParts> ExpectAsync(string command, TimeSpan? timeout = null) => ExpectAsync(l => l.Command == command, timeout);

    /// <summary>Reads and collects lines until one matches <paramref name="last"/> (included).</summary>
    public async Task<List<IrcLineParts>> CollectUntilAsync(Func<IrcLineParts, bool> last, TimeSpan? timeout = null)
    {
        var lines = new List<IrcLineParts>();
        await ExpectAsync(l =>
        {
            lines.Add(l);
            return last(l);
        }, timeout);
        return lines;
    }

    /// <summary>Waits for the server to close the connection (reading and keeping what it sends first).</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await ReadAsync(deadline - DateTime.UtcNow) is null)
                {
                    return;
                }
            }
            catch (IOException)
            {
                return;
            }
        }

        throw new Xunit.Sdk.XunitException("the connection stayed open; seen:\n" + string.Join('\n', _seen.TakeLast(40)));
    }

    /// <summary>Sends a PING and reads up to its PONG: everything the server sent before it has then been read.</summary>
    public async Task<List<IrcLineParts>> SyncAsync()
    {
        var token = "sync-" + Guid.NewGuid().ToString("N")[..8];
        await SendAsync("PING " + token);
        var lines = await CollectUntilAsync(l => l.Command == "PONG" && l.Parameters.Contains(token));
        lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}

/// <summary>One received IRC line, parsed just enough for assertions: tags, source, command, parameters.</summary>
public sealed record IrcLineParts(string Raw, IReadOnlyDictionary<string, string> Tags, string? Source, string Command, IReadOnlyList<string> Parameters)
{
    public string? Param(int index) => index < Parameters.Count ? Parameters[index] : null;

    /// <summary>The nick of the source (<c>nick!user@host</c>).</summary>
    public string? SourceNick => Source?.Split('!')[0];

    /// <summary>The last parameter (usually the text).</summary>
    public string? Trailing => Parameters.Count > 0 ? Parameters[^1] : null;

    public string? Tag(string key) => Tags.TryGetValue(key, out var value) ? value : null;

    public static IrcLineParts Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var rest = line;
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        if (rest.StartsWith('@'))
        {
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            foreach (var tag in rest[1..space].Split(';'))
            {
                var equals = tag.IndexOf('=', StringComparison.Ordinal);
                tags[equals < 0 ? tag : tag[..equals]] = equals < 0 ? "" : Unescape(tag[(equals + 1)..]);
            }

            rest = rest[(space + 1)..];
        }

        string? source = null;
        if (rest.StartsWith(':'))
        {
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            source = rest[1..space];
            rest = rest[(space + 1)..];
        }

        var trailingAt = rest.IndexOf(" :", StringComparison.Ordinal);
        var head = trailingAt < 0 ? rest : rest[..trailingAt];
        var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var command = words[0];
        words.RemoveAt(0);
        if (trailingAt >= 0)
        {
            words.Add(rest[(trailingAt + 2)..]);
        }

        return new IrcLineParts(line, tags, source, command, words);
    }

    private static string Unescape(string value)
        => value.Replace("\\:", ";", StringComparison.Ordinal).Replace("\\s", " ", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
}
