using System.Text;
using Piazza.Core.Reactions;

namespace Piazza.UnitTests;

public sealed class ReactionEmojiUnitTests
{
    [Theory]
    [InlineData("👍")]
    [InlineData("👍🏽")] // with a skin tone
    [InlineData("❤️")] // with VS16
    [InlineData("❤")] // text presentation, still Extended_Pictographic
    [InlineData("👩‍💻")] // ZWJ sequence
    [InlineData("👨‍👩‍👧‍👦")] // ZWJ family, 25 bytes
    [InlineData("🇫🇷")] // regional indicator pair
    [InlineData("1️⃣")] // keycap
    [InlineData("#⃣")] // keycap without VS16
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿")] // tag sequence (Scotland), 28 bytes
    [InlineData("©")]
    public void One_emoji_is_accepted_as_it_is(string input)
    {
        Assert.True(ReactionEmoji.TryNormalize(input, out var emoji, out var problem), problem);
        Assert.Equal(input, emoji);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("ab")]
    [InlineData("1")]
    [InlineData("é")]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("\u200D")] // ZWJ alone
    [InlineData("\uFE0F")] // a variation selector alone
    [InlineData("\u200B")] // zero width space
    [InlineData("🏽")] // a skin tone alone
    [InlineData("🇫")] // half a flag
    [InlineData("👍👍")]
    [InlineData("👍 ")]
    [InlineData("a\u20E3")] // keycap on a letter
    [InlineData("👍\u0301")] // a combining mark on an emoji
    [InlineData("👨🏻‍👩🏻‍👧🏻‍👦🏻")] // one cluster, 41 bytes
    [InlineData(":nope:")]
    [InlineData("::")]
    [InlineData(":+1")]
    [InlineData("\uD83D")] // a lone surrogate
    public void Anything_else_is_refused_with_a_reason(string? input)
    {
        Assert.False(ReactionEmoji.TryNormalize(input, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Fact]
    public void A_long_input_is_refused_before_it_is_parsed()
    {
        Assert.False(ReactionEmoji.TryNormalize(new string('a', 10_000), out _, out _));
        Assert.False(ReactionEmoji.TryNormalize(string.Concat(Enumerable.Repeat("👍", 5_000)), out _, out _));
    }

    [Theory]
    [InlineData(":+1:", "👍")]
    [InlineData(":thumbsup:", "👍")]
    [InlineData(":TADA:", "🎉")]
    [InlineData(":heart:", "❤️")]
    [InlineData(":white_check_mark:", "✅")]
    public void A_shortcode_is_stored_as_its_emoji(string input, string expected)
    {
        Assert.True(ReactionEmoji.TryNormalize(input, out var emoji, out _));
        Assert.Equal(expected, emoji);
    }

    [Fact]
    public void Every_shortcode_stands_for_an_emoji_the_rule_accepts_and_there_are_about_thirty()
    {
        Assert.InRange(ReactionEmoji.Shortcodes.Count, 25, 40);
        foreach (var (code, emoji) in ReactionEmoji.Shortcodes)
        {
            Assert.Matches("^:[a-z0-9_+-]+:$", code);
            Assert.True(ReactionEmoji.TryNormalize(emoji, out var same, out var problem), $"{code}: {problem}");
            Assert.Equal(emoji, same);
            Assert.InRange(Encoding.UTF8.GetByteCount(emoji), 1, ReactionEmoji.MaxBytes);
        }
    }

    [Fact]
    public void Toggling_keeps_first_reacted_first_and_users_in_order()
    {
        var r = ReactionSummary.Toggle(null, "👍", "alice", on: true);
        r = ReactionSummary.Toggle(r, "🎉", "bob", on: true);
        r = ReactionSummary.Toggle(r, "👍", "bob", on: true);
        Assert.Same(r, ReactionSummary.Toggle(r, "👍", "bob", on: true));
        Assert.Same(r, ReactionSummary.Toggle(r, "🚀", "bob", on: false));
        Assert.Equal(["👍=alice,bob", "🎉=bob"], r!.Select(s => s.Emoji + "=" + string.Join(',', s.Users)));
        r = ReactionSummary.Toggle(r, "👍", "alice", on: false);
        r = ReactionSummary.Toggle(r, "🎉", "bob", on: false);
        Assert.Equal(["👍=bob"], r!.Select(s => s.Emoji + "=" + string.Join(',', s.Users)));
        Assert.Null(ReactionSummary.Toggle(r, "👍", "bob", on: false));
    }
}
