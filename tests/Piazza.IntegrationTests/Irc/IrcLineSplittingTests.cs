using System.Text;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Irc;

/// <summary>
/// Long and multi-line Piazza messages on IRC: a plain client gets lines of at most 512 bytes cut on UTF-8 boundaries
/// (the msgid on the first only), a draft/multiline client one batch that joins back to the exact text.
/// </summary>
public class IrcLineSplittingTests
{
    /// <summary>The bytes of a line that count towards 512: all but its tags, with its CR LF.</summary>
    private static int BodyBytes(IrcLineParts line)
    {
        var raw = line.Raw;
        var body = raw.StartsWith('@') ? raw[(raw.IndexOf(' ', StringComparison.Ordinal) + 1)..] : raw;
        return Encoding.UTF8.GetByteCount(body) + 2;
    }

    private static async Task<List<IrcLineParts>> PrivmsgsAsync(IrcTestClient irc, int count)
    {
        var lines = new List<IrcLineParts>();
        while (lines.Count < count)
        {
            lines.Add(await irc.ExpectAsync("PRIVMSG"));
        }

        return lines;
    }

    [Theory]
    [InlineData("x", 2000)] // no space to break at
    [InlineData("😀", 1000)] // 4 bytes, two UTF-16 units each
    [InlineData("漢字", 900)] // 3 bytes each
    [InlineData("é ", 1500)]
    public async Task A_long_message_reaches_a_plain_client_as_lines_of_at_most_512_bytes_cut_between_code_points(string unit, int repeat)
    {
        await using var server = await TestServer.StartAsync();
        await using var plain = await IrcTestClient.RegisterAsync(server, "carol", null, "message-tags");
        await plain.ExpectAsync("366");
        await using var bob = await server.RegisterAsync("bob");
        var text = string.Concat(Enumerable.Repeat(unit, repeat)).Trim();
        var msg = (await SendOkAsync(bob, "lobby", text, "s1")).Str("msg")!;

        var lines = new List<IrcLineParts> { await plain.ExpectAsync("PRIVMSG") };
        lines.AddRange((await plain.SyncAsync()).Where(l => l.Command == "PRIVMSG"));
        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.InRange(BodyBytes(l), 1, 512));
        Assert.All(lines, l => Assert.DoesNotContain('\uFFFD', l.Trailing!));
        Assert.Equal(text.Replace(" ", "", StringComparison.Ordinal), string.Concat(lines.Select(l => l.Trailing)).Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal([msg], lines.Select(l => l.Tag("msgid")).OfType<string>());
    }

    [Fact]
    public async Task A_multi_line_message_is_lines_to_a_plain_client_and_one_batch_to_a_multiline_client()
    {
        await using var server = await TestServer.StartAsync();
        await using var plain = await IrcTestClient.RegisterAsync(server, "carol");
        await using var multi = await IrcTestClient.RegisterAsync(server, "dave", null, "batch", "message-tags", "server-time", "draft/multiline");
        await plain.ExpectAsync("366");
        await multi.ExpectAsync("366");
        await using var bob = await server.RegisterAsync("bob");
        var longLine = string.Concat(Enumerable.Repeat("word ", 150)) + "end";
        var text = "first\n\n" + longLine + "\nlast";
        var msg = (await SendOkAsync(bob, "lobby", text, "s1")).Str("msg")!;

        var lines = await PrivmsgsAsync(plain, 5);
        Assert.Equal(["first", " "], lines.Take(2).Select(l => l.Trailing));
        Assert.Equal("last", lines[^1].Trailing);
        Assert.DoesNotContain(await plain.SyncAsync(), l => l.Command is "PRIVMSG" or "BATCH");

        var open = await multi.ExpectAsync("BATCH");
        Assert.Equal(("draft/multiline", "#lobby", "bob", msg), (open.Param(1), open.Param(2), open.SourceNick, open.Tag("msgid")));
        var id = open.Param(0)![1..];
        var batch = await multi.CollectUntilAsync(l => l.Command == "BATCH");
        Assert.Equal("-" + id, batch[^1].Param(0));
        var parts = batch.SkipLast(1).ToList();
        Assert.All(parts, l => Assert.Equal((id, "PRIVMSG"), (l.Tag("batch"), l.Command)));
        Assert.All(parts, l => Assert.InRange(BodyBytes(l), 1, 512));
        var joined = new StringBuilder();
        foreach (var part in parts)
        {
            joined.Append(joined.Length == 0 || part.Tag("draft/multiline-concat") is not null ? "" : "\n").Append(part.Trailing);
        }

        Assert.Equal(text, joined.ToString());
        Assert.Contains(parts, l => l.Tag("draft/multiline-concat") is not null);
        Assert.DoesNotContain(await multi.SyncAsync(), l => l.Command == "PRIVMSG");
    }

    [Fact]
    public async Task A_one_line_message_is_a_plain_privmsg_even_to_a_multiline_client()
    {
        await using var server = await TestServer.StartAsync();
        await using var multi = await IrcTestClient.RegisterAsync(server, "dave", null, "batch", "draft/multiline");
        await multi.ExpectAsync("366");
        await using var bob = await server.RegisterAsync("bob");
        await SendOkAsync(bob, "lobby", "short", "s1");
        Assert.Equal("short", (await multi.ExpectAsync("PRIVMSG")).Trailing);
        Assert.DoesNotContain(await multi.SyncAsync(), l => l.Command is "BATCH" or "PRIVMSG");
        Assert.DoesNotContain(multi.Seen, l => IrcLineParts.Parse(l).Command == "BATCH");
    }
}
