using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Piazza.Core.Accounts;

/// <summary>
/// PBKDF2-SHA256 password hashes in a self-describing format <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64),
/// so the cost can be raised later and old hashes still verify (and are re-hashed on the next login).
/// </summary>
public sealed class PasswordHasher(int iterations)
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256; about a quarter second here.</summary>
    public const int DefaultIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public int Iterations { get; } = iterations > 0 ? iterations : throw new ArgumentOutOfRangeException(nameof(iterations));

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Checks a password in constant time; <paramref name="needsRehash"/> when the stored cost is below today's.</summary>
    public static bool Verify(string password, string stored, int currentIterations, out bool needsRehash)
    {
        needsRehash = false;
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations <= 0)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        var ok = CryptographicOperations.FixedTimeEquals(actual, expected);
        needsRehash = ok && iterations < currentIterations;
        return ok;
    }
}
