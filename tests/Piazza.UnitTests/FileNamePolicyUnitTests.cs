using Piazza.Core;

namespace Piazza.UnitTests;

public class FileNamePolicyUnitTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\system32\\cmd.exe", "cmd.exe")]
    [InlineData("/absolute/path/file.txt", "file.txt")]
    [InlineData("dir/", "file")]
    [InlineData("..", "file")]
    [InlineData(".", "file")]
    [InlineData("", "file")]
    [InlineData(null, "file")]
    [InlineData("   ", "file")]
    [InlineData("a\u0000b\u001b[31mc.txt", "ab[31mc.txt")]
    [InlineData("line\nbreak\r.txt", "linebreak.txt")]
    [InlineData("invoice\u202Efdp.exe", "invoicefdp.exe")] // right-to-left override that would show "exe.pdf"
    [InlineData("zero\u200Bwidth.txt", "zerowidth.txt")]
    [InlineData("what?<is>this:\"|*.txt", "what__is_this____.txt")]
    [InlineData("  spaced out .txt. ", "spaced out .txt")]
    [InlineData("café.png", "café.png")]
    [InlineData("cafe\u0301.png", "café.png")] // normalised to NFC
    [InlineData("日本語のファイル.txt", "日本語のファイル.txt")]
    public void Names_are_made_safe(string? raw, string expected)
        => Assert.Equal(expected, FileNamePolicy.Sanitize(raw));

    [Fact]
    public void Long_names_are_cut_keeping_the_extension()
    {
        var name = FileNamePolicy.Sanitize(new string('a', 5000) + ".tar.gz");
        Assert.Equal(FileNamePolicy.MaxLength, name.Length);
        Assert.EndsWith("a.gz", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_names_are_never_cut_inside_a_surrogate_pair()
    {
        var name = FileNamePolicy.Sanitize(string.Concat(Enumerable.Repeat("😀", 300)) + ".png");
        Assert.True(name.Length <= FileNamePolicy.MaxLength);
        Assert.EndsWith(".png", name, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(name[^5]));
        Assert.Equal(name, name.Normalize());
    }

    [Fact]
    public void A_long_extension_is_not_kept_whole()
    {
        var name = FileNamePolicy.Sanitize("x." + new string('e', 500));
        Assert.Equal(FileNamePolicy.MaxLength, name.Length);
    }

    [Fact]
    public void No_result_contains_a_separator_or_control_character()
    {
        var random = new Random(5);
        for (var i = 0; i < 2000; i++)
        {
            var chars = Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next(0, 0x3000)).ToArray();
            var name = FileNamePolicy.Sanitize(new string(chars));
            Assert.InRange(name.Length, 1, FileNamePolicy.MaxLength);
            Assert.DoesNotContain('/', name);
            Assert.DoesNotContain('\\', name);
            Assert.DoesNotContain(name, c => char.IsControl(c));
            Assert.NotEqual("..", name);
        }
    }
}
