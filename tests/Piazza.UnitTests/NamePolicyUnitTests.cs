using Piazza.Core;

namespace Piazza.UnitTests;

public class NamePolicyUnitTests
{
    [Theory]
    [InlineData("lobby", true)]
    [InlineData("Dev-Talk_2.0", true)]
    [InlineData("café", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("#irc", false)]
    [InlineData("@alice,bob", false)]
    public void Room_names_follow_the_rules(string name, bool valid)
    {
        Assert.Equal(valid, RoomNamePolicy.IsValid(name, out var problem));
        Assert.Equal(valid, problem.Length == 0);
    }

    [Fact]
    public void Room_names_are_at_most_64_characters()
    {
        Assert.True(RoomNamePolicy.IsValid(new string('r', 64), out _));
        Assert.False(RoomNamePolicy.IsValid(new string('r', 65), out _));
    }

    [Fact]
    public void Direct_conversation_ids_are_the_same_whichever_side_asks()
    {
        Assert.Equal("@alice,bob", DirectConversationId.For("bob", "alice"));
        Assert.Equal("@alice,bob", DirectConversationId.For("alice", "bob"));
        Assert.Equal("@alice,~carol", DirectConversationId.For("~carol", "alice"));
        Assert.True(DirectConversationId.TryParse("@alice,~carol", out var a, out var b));
        Assert.Equal(("alice", "~carol"), (a, b));
        Assert.False(DirectConversationId.TryParse("lobby", out _, out _));
        Assert.False(DirectConversationId.TryParse("@alice", out _, out _));
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("Zoë", true)]
    [InlineData("server", false)]
    [InlineData("SYSTEM", false)]
    [InlineData("with space", false)]
    [InlineData("", false)]
    public void User_names_follow_the_rules(string name, bool valid)
        => Assert.Equal(valid, UserNamePolicy.IsValid(name, out _));

    [Fact]
    public void User_names_not_in_normal_form_C_are_refused()
    {
        var decomposed = "Zoe\u0308"; // e + combining diaeresis
        Assert.False(UserNamePolicy.IsValid(decomposed, out var problem));
        Assert.Contains("normal form", problem, StringComparison.Ordinal);
    }
}
