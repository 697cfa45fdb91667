using Piazza.Core.Accounts;

namespace Piazza.UnitTests;

public class PasswordHasherUnitTests
{
    [Fact]
    public void The_default_cost_is_at_least_600000_iterations_and_is_recorded_in_the_hash()
    {
        var hasher = new PasswordHasher(PasswordHasher.DefaultIterations);
        var hash = hasher.Hash("correct horse battery");
        var parts = hash.Split('$');
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.True(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) >= 600_000);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.True(PasswordHasher.Verify("correct horse battery", hash, PasswordHasher.DefaultIterations, out var rehash));
        Assert.False(rehash);
    }

    [Fact]
    public void Wrong_passwords_fail_and_equal_passwords_get_different_salts()
    {
        var hasher = new PasswordHasher(1000);
        var first = hasher.Hash("secret-one");
        Assert.NotEqual(first, hasher.Hash("secret-one"));
        Assert.False(PasswordHasher.Verify("secret-two", first, 1000, out _));
        Assert.False(PasswordHasher.Verify("Secret-one", first, 1000, out _));
    }

    [Fact]
    public void A_hash_made_with_a_lower_cost_still_verifies_and_asks_to_be_upgraded()
    {
        var old = new PasswordHasher(1000).Hash("pa55word!");
        Assert.True(PasswordHasher.Verify("pa55word!", old, 2000, out var rehash));
        Assert.True(rehash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("md5$1$abc$def")]
    [InlineData("pbkdf2-sha256$notanumber$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$1000$***$AAAA")]
    [InlineData("pbkdf2-sha256$-5$AAAA$AAAA")]
    public void Malformed_stored_hashes_never_verify(string stored)
    {
        Assert.False(PasswordHasher.Verify("anything", stored, 1000, out _));
    }

    [Fact]
    public void Tokens_are_256_bit_and_only_their_hash_is_comparable()
    {
        var token = SessionTokens.Create();
        Assert.Equal(43, token.Length); // 32 bytes in unpadded base64url
        Assert.DoesNotContain('+', token);
        Assert.DoesNotContain('/', token);
        Assert.NotEqual(token, SessionTokens.Create());
        Assert.Equal(SessionTokens.HashOf(token), SessionTokens.HashOf(token));
        Assert.Equal(32, SessionTokens.HashOf(token).Length);
    }
}
