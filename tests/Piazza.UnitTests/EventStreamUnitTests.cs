using System.Text;
using Piazza.Core;
using Piazza.Server.Doors.EventStream;
using Piazza.Server.Doors.JsonLines;

namespace Piazza.UnitTests;

/// <summary>The event stream's pieces without a server: positions and their two spellings, and SSE framing.</summary>
public class EventStreamUnitTests
{
    [Fact]
    public void An_id_round_trips_every_position_including_group_keys_with_commas_and_unicode_rooms()
    {
        var positions = new StreamPositions();
        positions.Advance("lobby", 12);
        positions.Advance("@ann,bob,cy", 3);
        positions.Advance("café", 0);
        Assert.StartsWith("v1.", positions.Id, StringComparison.Ordinal);
        Assert.All(positions.Id, c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.', $"'{c}' in an id"));

        var parsed = StreamPositions.TryParse(positions.Id, null, out var problem, out _);
        Assert.Null(problem);
        Assert.Equal(positions.ToResume().OrderBy(p => p.Key), parsed!.ToResume().OrderBy(p => p.Key));
    }

    [Fact]
    public void After_reads_pairs_whose_keys_hold_commas_and_last_event_id_wins_over_it()
    {
        var after = StreamPositions.TryParse(null, "lobby:4,@ann,bob:7,dev:0", out var problem, out _);
        Assert.Null(problem);
        Assert.Equal(new Dictionary<string, long> { ["lobby"] = 4, ["@ann,bob"] = 7, ["dev"] = 0 }, after!.ToResume());

        var id = new StreamPositions();
        id.Advance("lobby", 9);
        Assert.Equal(9, StreamPositions.TryParse(id.Id, "lobby:4", out _, out _)!["lobby"]);
    }

    [Theory]
    [InlineData(null, "lobby")]
    [InlineData(null, "lobby:")]
    [InlineData(null, ":4")]
    [InlineData(null, "lobby:-1")]
    [InlineData(null, "lobby:4;dev:2")]
    [InlineData("v2.abc", null)]
    [InlineData("v1.!!!", null)]
    [InlineData("v1.bG9iYnk", null)] // "lobby" with no seq
    public void A_malformed_position_is_refused_with_a_reason(string? lastEventId, string? after)
    {
        Assert.Null(StreamPositions.TryParse(lastEventId, after, out var problem, out var tooLarge));
        Assert.False(string.IsNullOrEmpty(problem));
        Assert.False(tooLarge);
    }

    [Fact]
    public void Positions_beyond_the_bound_are_refused_as_too_large_and_an_id_never_grows_past_it()
    {
        var many = string.Join(',', Enumerable.Range(0, StreamPositions.MaxConversations + 1).Select(i => $"r{i}:1"));
        Assert.Null(StreamPositions.TryParse(null, many, out _, out var tooLarge));
        Assert.True(tooLarge);
        Assert.Null(StreamPositions.TryParse(null, new string('a', StreamPositions.MaxChars + 1), out _, out tooLarge));
        Assert.True(tooLarge);

        var positions = new StreamPositions();
        for (var i = 0; i < StreamPositions.MaxConversations + 50; i++)
        {
            positions.Advance($"room{i}", i);
        }

        positions.Advance("room0", 99); // advanced again: the most recent, so kept
        positions.Advance("one-more", 1);
        Assert.Equal(StreamPositions.MaxConversations, positions.Count);
        Assert.Equal(99, positions["room0"]);
        Assert.Null(positions["room1"]); // the least recently advanced went first
        Assert.True(positions.Id.Length <= StreamPositions.MaxChars);
    }

    [Fact]
    public void An_event_is_framed_once_as_its_type_and_the_protocols_json_line()
    {
        var lines = new JsonLinesEventEncoder("test");
        var sse = new SseEventEncoder(lines);
        var message = new MessageEvent("m1", 5, "lobby", "lobby", "bob", null, "two\nlines", DateTimeOffset.UnixEpoch);
        var framed = message.GetEncoded(sse);
        Assert.Same(framed, message.GetEncoded(new SseEventEncoder(lines))); // once per event, whichever stream asks
        var line = Encoding.UTF8.GetString(message.GetEncoded(lines));
        Assert.Equal($"event: message\ndata: {line.TrimEnd('\n')}\n\n", Encoding.UTF8.GetString(framed));
        Assert.Equal(3, Encoding.UTF8.GetString(framed).Count(c => c == '\n')); // the text's newline is escaped in JSON

        var welcome = new WelcomeEvent("alice", true, "secret-token", ["lobby"], [], null);
        var framedWelcome = Encoding.UTF8.GetString(welcome.GetEncoded(sse));
        Assert.StartsWith("event: welcome\ndata: {", framedWelcome, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", framedWelcome, StringComparison.Ordinal);
    }
}
