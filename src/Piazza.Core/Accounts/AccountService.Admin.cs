using System.Security.Cryptography;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Core.Accounts;

/// <summary>What server admins do to accounts (docs/admin.md): the disabled-account rule and temporary passwords.</summary>
internal sealed partial class AccountService
{
    /// <summary>Characters of a temporary password: letters and digits without look-alikes (0/O, 1/l/I), easy to read aloud.</summary>
    private const string TemporaryAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>20 characters of a 56-letter alphabet: about 116 bits, far beyond guessing at the login throttle's rate.</summary>
    public const int TemporaryPasswordLength = 20;

    /// <summary>The one disabled-account rule: null when the account may log in and use its tokens, else <c>account_disabled</c>.</summary>
    public static HubError? DisabledError(AccountRecord account)
        => account.Disabled ? new HubError(ErrorCode.AccountDisabled, $"the account '{account.Name}' is disabled; ask a server admin") : null;

    /// <summary>A new random password from the in-box generator (<see cref="RandomNumberGenerator"/>), shown once to the admin who asked.</summary>
    public static string NewTemporaryPassword() => RandomNumberGenerator.GetString(TemporaryAlphabet, TemporaryPasswordLength);

    /// <summary>Sets a password chosen for the account (hashed as every password is) and revokes every token it has.</summary>
    public async Task ReplacePasswordAsync(string accountKey, string password, CancellationToken cancellationToken)
    {
        var hash = await HashAsync(password, cancellationToken).ConfigureAwait(false);
        await hub.Store.UpdatePasswordAsync(accountKey, hash, cancellationToken).ConfigureAwait(false);
        await hub.Store.RevokeAllTokensAsync(accountKey, cancellationToken).ConfigureAwait(false);
    }
}
