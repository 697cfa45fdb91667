using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>What logs and the terminal client print of others' text: no control sequence, no line break, no reordering.</summary>
public class PrintableTextUnitTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("emoji 👨‍👩‍👧 and שלום", "emoji 👨‍👩‍👧 and שלום")] // joiners and right-to-left letters are kept
    [InlineData("\u001B[2Jcleared", @"\u001B[2Jcleared")]
    [InlineData("one\r\ntwo\tthree", @"one\r\ntwo\tthree")]
    [InlineData("nul\u0000 del\u007F c1\u009B", @"nul\u0000 del\u007F c1\u009B")]
    [InlineData("rlo\u202Eevil\u2066", @"rlo\u202Eevil\u2066")]
    [InlineData("line\u2028sep", @"line\u2028sep")]
    public void Control_line_and_direction_characters_are_escaped_everything_else_is_kept(string text, string expected)
        => Assert.Equal(expected, PrintableText.Escape(text));

    [Fact]
    public void Null_is_empty_and_long_text_is_cut_saying_how_much()
    {
        Assert.Equal("", PrintableText.Escape(null));
        Assert.Equal("abc…(+3 chars)", PrintableText.Escape("abcdef", 3));
    }

    [Fact]
    public void Every_code_point_escapes_to_text_without_control_characters()
    {
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var escaped = PrintableText.Escape("a" + (char)c + "b");
            Assert.DoesNotContain(escaped, ch => char.IsControl(ch) || char.IsSurrogate(ch) || PrintableText.IsDirectionControl(ch));
        }
    }
}
