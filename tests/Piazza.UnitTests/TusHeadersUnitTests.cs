using System.Security.Cryptography;
using System.Text;
using Piazza.Protocol;

namespace Piazza.UnitTests;

public class TusHeadersUnitTests
{
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("104857600", 104857600L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void Lengths_are_plain_non_negative_integers(string header, long expected)
    {
        Assert.True(TusHeaders.TryParseLength(header, out var length));
        Assert.Equal(expected, length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData(" 5")]
    [InlineData("5 ")]
    [InlineData("1e3")]
    [InlineData("0x10")]
    [InlineData("9223372036854775808")]
    [InlineData("12345678901234567890")]
    public void Anything_else_is_not_a_length(string? header)
        => Assert.False(TusHeaders.TryParseLength(header, out _));

    [Fact]
    public void Metadata_pairs_decode_from_base64_as_utf8()
    {
        var header = $"filename {B64("résumé ✓.pdf")},filetype {B64("application/pdf")}, sha256 {B64("ab")},flag";
        Assert.True(TusHeaders.TryParseMetadata(header, out var metadata, out var problem), problem);
        Assert.Equal("résumé ✓.pdf", metadata["filename"]);
        Assert.Equal("application/pdf", metadata["filetype"]);
        Assert.Equal("ab", metadata["sha256"]);
        Assert.Equal("", metadata["flag"]);
    }

    [Fact]
    public void Empty_metadata_is_an_empty_set()
    {
        Assert.True(TusHeaders.TryParseMetadata(null, out var none, out _));
        Assert.Empty(none);
        Assert.True(TusHeaders.TryParseMetadata("", out none, out _));
        Assert.Empty(none);
    }

    [Theory]
    [InlineData("filename not*base64")]
    [InlineData("filename YQ==,filename Yg==")]
    [InlineData("file name YQ==")]
    [InlineData(",")]
    [InlineData("filename //79")] // base64 of bytes that are not UTF-8
    public void Malformed_metadata_is_refused_with_a_reason(string header)
    {
        Assert.False(TusHeaders.TryParseMetadata(header, out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void Oversized_metadata_is_refused()
        => Assert.False(TusHeaders.TryParseMetadata("filename " + B64(new string('a', 9000)), out _, out _));

    [Fact]
    public void Formatted_metadata_parses_back()
    {
        var header = TusHeaders.FormatMetadata([new("filename", "a,b c.txt"), new("sha256", new string('0', 64))]);
        Assert.True(TusHeaders.TryParseMetadata(header, out var metadata, out _));
        Assert.Equal("a,b c.txt", metadata["filename"]);
    }

    [Fact]
    public void A_sha256_checksum_header_gives_its_digest()
    {
        var digest = SHA256.HashData("chunk"u8);
        Assert.True(TusHeaders.TryParseChecksum("sha256 " + Convert.ToBase64String(digest), out var algorithm, out var parsed, out var unsupported));
        Assert.Equal(HashAlgorithmName.SHA256, algorithm);
        Assert.False(unsupported);
        Assert.Equal(digest, parsed);
        Assert.True(TusHeaders.TryParseChecksum("SHA256 " + Convert.ToBase64String(digest), out _, out _, out _));
    }

    [Fact]
    public void Sha1_and_sha512_checksums_give_their_algorithm_and_digest_and_a_wrong_length_is_malformed()
    {
        var sha1 = SHA1.HashData("chunk"u8);
        Assert.True(TusHeaders.TryParseChecksum("sha1 " + Convert.ToBase64String(sha1), out var algorithm, out var parsed, out _));
        Assert.Equal(HashAlgorithmName.SHA1, algorithm);
        Assert.Equal(sha1, parsed);
        var sha512 = SHA512.HashData("chunk"u8);
        Assert.True(TusHeaders.TryParseChecksum("SHA512 " + Convert.ToBase64String(sha512), out algorithm, out parsed, out _));
        Assert.Equal(HashAlgorithmName.SHA512, algorithm);
        Assert.Equal(sha512, parsed);
        Assert.False(TusHeaders.TryParseChecksum("sha1 " + Convert.ToBase64String(SHA256.HashData("chunk"u8)), out _, out _, out var unsupported));
        Assert.False(unsupported);
        Assert.Equal("Wed, 25 Jun 2025 16:00:00 GMT", TusHeaders.FormatExpires(new DateTimeOffset(2025, 6, 25, 18, 0, 0, TimeSpan.FromHours(2))));
    }

    [Fact]
    public void Other_algorithms_are_unsupported_and_bad_values_malformed()
    {
        Assert.False(TusHeaders.TryParseChecksum("md5 " + Convert.ToBase64String(MD5.HashData("x"u8)), out _, out _, out var unsupported));
        Assert.True(unsupported);
        Assert.False(TusHeaders.TryParseChecksum("sha256 not-base64!", out _, out _, out unsupported));
        Assert.False(unsupported);
        Assert.False(TusHeaders.TryParseChecksum("sha256 " + Convert.ToBase64String(new byte[31]), out _, out _, out _));
        Assert.False(TusHeaders.TryParseChecksum("sha256", out _, out _, out _));
        Assert.False(TusHeaders.TryParseChecksum("", out _, out _, out _));
    }

    [Theory]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true)]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", true)]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85", false)]
    [InlineData("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]
    [InlineData("", false)]
    public void Sha256_hex_is_64_hex_digits(string value, bool expected)
        => Assert.Equal(expected, TusHeaders.IsSha256Hex(value));
}
