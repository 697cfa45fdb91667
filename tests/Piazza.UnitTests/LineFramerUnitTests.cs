using System.Buffers;
using System.Text;
using Piazza.Protocol;

namespace Piazza.UnitTests;

public class LineFramerUnitTests
{
    private static List<string> ReadAll(LineFramer framer, IEnumerable<byte[]> chunks, List<LineStatus>? statuses = null)
    {
        var lines = new List<string>();
        var pending = Array.Empty<byte>();
        foreach (var chunk in chunks)
        {
            var data = pending.Concat(chunk).ToArray();
            var buffer = new ReadOnlySequence<byte>(data);
            while (true)
            {
                var status = framer.TryReadLine(ref buffer, out var line);
                if (status == LineStatus.NeedMoreData)
                {
                    break;
                }

                statuses?.Add(status);
                if (status == LineStatus.Line)
                {
                    lines.Add(Encoding.UTF8.GetString(line.ToArray()));
                }
            }

            pending = buffer.ToArray();
        }

        return lines;
    }

    [Fact]
    public void Split_at_every_byte_position_yields_the_same_lines()
    {
        var input = Encoding.UTF8.GetBytes("{\"type\":\"ping\"}\r\n{\"type\":\"send\",\"text\":\"héllo 😀\"}\n");
        for (var cut = 0; cut <= input.Length; cut++)
        {
            var lines = ReadAll(new LineFramer(1024), [input[..cut], input[cut..]]);
            Assert.Equal(["{\"type\":\"ping\"}", "{\"type\":\"send\",\"text\":\"héllo 😀\"}"], lines);
        }
    }

    [Fact]
    public void Byte_by_byte_delivery_yields_every_line()
    {
        var input = Encoding.UTF8.GetBytes("a\nbb\r\nccc\n");
        var lines = ReadAll(new LineFramer(16), input.Select(b => new[] { b }));
        Assert.Equal(["a", "bb", "ccc"], lines);
    }

    [Fact]
    public void Many_lines_in_one_read_are_all_returned()
    {
        var input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => $"line{i}\n")));
        var lines = ReadAll(new LineFramer(64), [input]);
        Assert.Equal(500, lines.Count);
        Assert.Equal("line499", lines[^1]);
    }

    [Fact]
    public void Oversize_line_is_reported_once_and_the_next_line_still_arrives()
    {
        var big = new string('x', 5000);
        var statuses = new List<LineStatus>();
        var chunks = Encoding.UTF8.GetBytes(big + "\nafter\n").Chunk(700);
        var lines = ReadAll(new LineFramer(1024), chunks, statuses);
        Assert.Equal(["after"], lines);
        Assert.Equal([LineStatus.TooLong, LineStatus.Line], statuses);
    }

    [Fact]
    public void Oversize_line_in_one_read_is_reported()
    {
        var statuses = new List<LineStatus>();
        var lines = ReadAll(new LineFramer(4), [Encoding.UTF8.GetBytes("12345\nok\n")], statuses);
        Assert.Equal(["ok"], lines);
        Assert.Equal([LineStatus.TooLong, LineStatus.Line], statuses);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_accepted_with_or_without_carriage_return()
    {
        var lines = ReadAll(new LineFramer(4), [Encoding.UTF8.GetBytes("1234\r\n"), Encoding.UTF8.GetBytes("abcd\n")]);
        Assert.Equal(["1234", "abcd"], lines);
    }

    [Fact]
    public void Blank_lines_are_skipped()
    {
        var lines = ReadAll(new LineFramer(16), [Encoding.UTF8.GetBytes("\n\r\na\n\n")]);
        Assert.Equal(["a"], lines);
    }
}
