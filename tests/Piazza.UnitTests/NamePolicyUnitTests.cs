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

    [Fact]
    public void Guest_identity_keys_are_new_at_every_login_and_parse_back_to_the_name()
    {
        var first = IdentityKey.NewGuest("carol");
        var second = IdentityKey.NewGuest("carol");
        Assert.NotEqual(first, second);
        Assert.Matches("^~carol~[0-9a-f]{16}$", first);
        Assert.True(IdentityKey.IsGuest(first));
        Assert.Equal("carol", IdentityKey.NameKeyOf(first));
        Assert.Equal("carol", IdentityKey.NameKeyOf(IdentityKey.OfAccount("carol")));
        Assert.True(IdentityKey.IsWellFormed(first));
        Assert.True(IdentityKey.IsWellFormed("alice"));
        Assert.False(IdentityKey.IsWellFormed("~carol"));
        Assert.False(IdentityKey.IsWellFormed("Alice"));
        Assert.False(IdentityKey.IsWellFormed("~carol~0123456789ABCDEF"));
        Assert.False(IdentityKey.IsWellFormed("~carol~0123456789abcde"));
        Assert.False(IdentityKey.IsWellFormed("~~0123456789abcdef"));
        Assert.False(IdentityKey.IsWellFormed(""));
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
    public void User_and_room_names_are_taken_in_normal_form_C()
    {
        var decomposed = "Zoe\u0308"; // e + combining diaeresis
        Assert.True(UserNamePolicy.IsValid(decomposed, out _));
        Assert.Equal("Zoë", UserNamePolicy.Normalize(decomposed));
        Assert.Equal(UserNamePolicy.Fold("zoë"), UserNamePolicy.Fold(decomposed));
        Assert.True(RoomNamePolicy.IsValid("cafe\u0301", out _));
        Assert.Equal(RoomNamePolicy.Fold("CAFÉ"), RoomNamePolicy.Fold("cafe\u0301"));
    }

    [Theory]
    [InlineData("bob\u0007", "control characters")]
    [InlineData("bob\u0085", "control characters")]
    [InlineData("bob\u202Egpj", "direction controls")]
    [InlineData("\u2066bob\u2069", "direction controls")]
    [InlineData("bob\u200F", "direction controls")]
    [InlineData("bo\u200Bb", "invisible characters")]
    [InlineData("bo\u200Cb", "invisible characters")]
    [InlineData("bo\u200Db", "invisible characters")]
    [InlineData("\uFEFFbob", "invisible characters")]
    [InlineData("bo\u00ADb", "invisible characters")]
    [InlineData("bo\u2060b", "invisible characters")]
    [InlineData("bob\u3164", "invisible characters")]
    [InlineData("bob\uFE0F", "invisible characters")]
    [InlineData("bo b", "only letters")]
    public void Spoofing_characters_in_names_are_refused_with_the_reason(string name, string reason)
    {
        Assert.False(UserNamePolicy.IsValid(name, out var problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.False(RoomNamePolicy.IsValid(name, out problem));
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alice", true)]
    [InlineData("Алиса", true)] // Cyrillic only
    [InlineData("Σωκράτης", true)] // Greek only
    [InlineData("tanaka_田中", true)] // Latin with Han: not look-alike scripts
    [InlineData("pаypal", false)] // Cyrillic а among Latin letters
    [InlineData("Ωmega", false)] // Greek with Latin
    [InlineData("аdm1n", false)] // mixed, and like a reserved name
    [InlineData("adm1n", false)] // like the reserved "admin"
    [InlineData("r00t", false)] // like the reserved "root"
    [InlineData("Ali", true)] // short reserved names ("all") are compared exactly, not by look
    [InlineData("a11", true)]
    [InlineData("server.", false)] // a reserved name with a separator added reads as the name
    [InlineData("server_", false)]
    [InlineData("_r00t", false)]
    [InlineData("a.l.l", false)]
    [InlineData("server_fan", true)]
    public void New_names_use_one_look_alike_script_and_are_not_like_reserved_ones(string name, bool acceptable)
    {
        Assert.True(UserNamePolicy.IsValid(name, out _)); // existing accounts with such names can still log in
        Assert.Equal(acceptable, UserNamePolicy.IsAcceptableNew(name, out var problem));
        Assert.Equal(acceptable, problem.Length == 0);
    }

    [Fact]
    public void New_room_names_use_one_look_alike_script()
    {
        Assert.True(RoomNamePolicy.IsAcceptableNew("общий", out _));
        Assert.False(RoomNamePolicy.IsAcceptableNew("lоbby", out var problem)); // Cyrillic о
        Assert.Contains("Latin and Cyrillic", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("paypal", "pаypal")] // Cyrillic а
    [InlineData("paypal", "PAYPAL")]
    [InlineData("paypal", "paypa1")]
    [InlineData("paypal", "ｐａｙｐａｌ")] // fullwidth
    [InlineData("bill", "biII")] // capital I for l
    [InlineData("modern", "modem")] // rn for m
    [InlineData("wendy", "vvendy")]
    [InlineData("hello", "ΗΕLLΟ")] // Greek capitals
    [InlineData("nano", "ηano")] // Greek small eta looks like n
    [InlineData("scott", "ѕсоtt")] // Cyrillic dze, es, o
    [InlineData("σοφία", "ΣΟΦΊΑ")] // final sigma and capitals fold alike
    [InlineData("strasse", "straße")]
    [InlineData("bob", "bоb")]
    [InlineData("office", "ｏﬃce")] // ligature
    public void Look_alike_names_have_the_same_skeleton(string name, string lookAlike)
        => Assert.Equal(NameSkeleton.Of(name), NameSkeleton.Of(lookAlike));

    [Theory]
    [InlineData("bob", "rob")]
    [InlineData("anna", "anne")]
    [InlineData("zoë", "zoe")] // a visible diacritic is a difference
    [InlineData("john.doe", "john_doe")]
    [InlineData("田中", "中田")]
    public void Distinct_names_have_distinct_skeletons(string name, string other)
        => Assert.NotEqual(NameSkeleton.Of(name), NameSkeleton.Of(other));

    [Fact]
    public void Names_with_unpaired_surrogates_are_refused_and_do_not_throw()
    {
        // Built from chars: xunit's theory data would turn a lone surrogate into U+FFFD.
        var name = "bob" + (char)0xD800;
        Assert.False(UserNamePolicy.IsValid(name, out var problem));
        Assert.Contains("not valid Unicode", problem, StringComparison.Ordinal);
        Assert.False(RoomNamePolicy.IsValid(name, out _));
        Assert.Equal(name, UserNamePolicy.Normalize(name));
        Assert.StartsWith("bob", NameSkeleton.Of(name), StringComparison.Ordinal);
        Assert.False(UserNamePolicy.IsValid("bob\uFFFE", out _)); // a noncharacter that Normalize throws on
    }
}
