using Piazza.Core;

namespace Piazza.UnitTests;

public class TextHygieneUnitTests
{
    [Theory]
    [InlineData("hello")]
    [InlineData("two\nlines\tand a tab")]
    [InlineData("שלום עולם")] // right to left
    [InlineData("abc \u202Bעברית\u202C def \u2067مرحبا\u2069")] // embeddings and isolates stay: RTL writers use them
    [InlineData("family 👨\u200D👩\u200D👧 and flags 🇮🇹")] // joiners and pairs
    [InlineData("soft\u00ADhyphen")]
    public void Ordinary_text_in_any_script_is_accepted(string text)
        => Assert.True(UnicodeHygiene.CheckText(text, allowNewlines: true, out _));

    [Theory]
    [InlineData("bell\u0007", "U+0007")]
    [InlineData("nul\u0000byte", "U+0000")]
    [InlineData("escape \u001B[31mred", "U+001B")]
    [InlineData("carriage\rreturn", "U+000D")]
    [InlineData("delete\u007F", "U+007F")]
    [InlineData("c1 \u0085 next line", "U+0085")]
    [InlineData("c1 \u009B csi", "U+009B")]
    public void Control_characters_other_than_newline_and_tab_are_refused(string text, string reason)
    {
        Assert.False(UnicodeHygiene.CheckText(text, allowNewlines: true, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0xD83D, 0)]
    [InlineData(0xDE00, 0)]
    [InlineData(0xDE00, 0xD83D)] // a pair in the wrong order
    public void Unpaired_surrogates_are_refused(int first, int second)
    {
        // Built from chars: xunit's theory data would turn a lone surrogate into U+FFFD.
        var text = "lone " + (char)first + (second == 0 ? "" : ((char)second).ToString()) + " surrogate";
        Assert.False(UnicodeHygiene.CheckText(text, allowNewlines: true, out var problem));
        Assert.Contains("unpaired surrogate", problem, StringComparison.Ordinal);
        Assert.True(UnicodeHygiene.CheckText("paired \uD83D\uDE00", allowNewlines: true, out _));
    }

    [Fact]
    public void Single_line_texts_refuse_newlines_but_keep_tabs()
    {
        Assert.False(UnicodeHygiene.CheckText("a\nb", allowNewlines: false, out _));
        Assert.True(UnicodeHygiene.CheckText("a\tb", allowNewlines: false, out _));
    }

    [Fact]
    public void Every_code_point_is_classified_without_throwing()
    {
        for (var value = 0; value <= 0x10FFFF; value++)
        {
            if (!System.Text.Rune.IsValid(value))
            {
                continue;
            }

            var text = new System.Text.Rune(value).ToString();
            var accepted = UnicodeHygiene.CheckText(text, allowNewlines: true, out _);
            var control = System.Globalization.CharUnicodeInfo.GetUnicodeCategory(value) == System.Globalization.UnicodeCategory.Control;
            Assert.Equal(!control || value is '\n' or '\t', accepted);
            _ = UserNamePolicy.IsValid(text, out _);
            _ = NameSkeleton.Of(text);
        }
    }
}
