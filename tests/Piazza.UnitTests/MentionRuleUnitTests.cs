using Piazza.Core.Messaging;
using Piazza.Protocol;

namespace Piazza.UnitTests;

/// <summary>The one mention rule (<see cref="MentionRule"/>) and the two shapes of the wire's <c>mentions</c> field.</summary>
public sealed class MentionRuleUnitTests
{
    [Theory]
    [InlineData("hi @bob", new[] { "bob" })]
    [InlineData("@Bob, @ALICE and @bob again", new[] { "bob", "alice" })]
    [InlineData("thanks @bob.", new[] { "bob.|bob" })]
    [InlineData("(@carol) @dave! @e_f-g.h", new[] { "carol", "dave", "e_f-g.h" })]
    [InlineData("mail me at bob@example.com", new string[0])]
    [InlineData("@ alone, @@bob and a@@b", new string[0])]
    [InlineData("Ünïcode @Zoë\nnext line @Ωmega", new[] { "zoë", "ωmega" })]
    public void Tokens_start_after_a_non_name_character_and_end_at_one(string text, string[] expected)
    {
        var (names, room) = MentionRule.Tokens(text);
        Assert.False(room);
        Assert.Equal(expected, names.Select(candidates => string.Join('|', candidates)));
    }

    [Fact]
    public void At_room_is_the_room_token_and_not_a_name_and_names_are_capped()
    {
        var (names, room) = MentionRule.Tokens("@Room: ship it @bob");
        Assert.True(room);
        Assert.Equal(["bob"], names.Select(n => n[0]));

        var many = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"@user{i}"));
        Assert.Equal(MentionRule.MaxNames, MentionRule.Tokens(many).Names.Count);
    }

    [Theory]
    [InlineData(false, 20, true)]
    [InlineData(false, 21, false)]
    [InlineData(true, 21, true)]
    [InlineData(true, 5000, true)]
    public void At_room_is_for_everyone_up_to_20_members_and_for_moderators_above(bool moderator, int members, bool allowed)
        => Assert.Equal(allowed, MentionRule.MayMentionEveryone(moderator, members));

    [Fact]
    public void The_mentions_field_is_a_key_list_in_a_message_and_a_count_in_a_room_frame()
    {
        var message = FrameCodec.EncodeLine(new ServerFrame { Type = "message", Mentions = MentionsField.Of(["bob", "@room"]) });
        var room = FrameCodec.EncodeLine(new ServerFrame { Type = "room", Read = 4, Unread = 2, Mentions = MentionsField.OfCount(1) });
        Assert.Contains("\"mentions\":[\"bob\",\"@room\"]", System.Text.Encoding.UTF8.GetString(message), StringComparison.Ordinal);
        Assert.Contains("\"mentions\":1", System.Text.Encoding.UTF8.GetString(room), StringComparison.Ordinal);
        Assert.Null(MentionsField.Of([]));
    }
}
