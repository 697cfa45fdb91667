namespace Piazza.Tui;

/// <summary>Tokens and sessions: <c>/tokens</c>, <c>/token new NAME read,send [DAYS]</c>, <c>/token revoke NAME</c>, <c>/sessions</c>, <c>/logout-others</c>.</summary>
internal abstract partial record ChatCommand
{
    /// <summary>What a token command asks for; <see cref="Name"/>, <see cref="Scopes"/> and <see cref="Days"/> only for <see cref="TokenVerb.New"/> and <see cref="TokenVerb.Revoke"/>.</summary>
    public sealed record TokenCommand(TokenVerb Verb, string? Name = null, IReadOnlyList<string>? Scopes = null, int? Days = null) : ChatCommand
    {
        /// <summary>The command's words after its name (<paramref name="command"/> is the catalog name).</summary>
        public static ChatCommand Parse(string command, string[] words, Usage usage)
        {
            ArgumentNullException.ThrowIfNull(words);
            return command switch
            {
                "tokens" when words.Length == 0 => new TokenCommand(TokenVerb.List),
                "sessions" when words.Length == 0 => new TokenCommand(TokenVerb.Sessions),
                "logout-others" when words.Length == 0 => new TokenCommand(TokenVerb.LogoutOthers),
                "token" when words is ["revoke", var name] => new TokenCommand(TokenVerb.Revoke, name),
                "token" when words is ["new", var name, var scopes] => new TokenCommand(TokenVerb.New, name, scopes.Split(',', StringSplitOptions.RemoveEmptyEntries)),
                "token" when words is ["new", var name, var scopes, var days] && int.TryParse(days, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var d)
                    => new TokenCommand(TokenVerb.New, name, scopes.Split(',', StringSplitOptions.RemoveEmptyEntries), d),
                _ => usage,
            };
        }
    }
}

/// <summary>The token and session commands.</summary>
internal enum TokenVerb
{
    List,
    New,
    Revoke,
    Sessions,
    LogoutOthers,
}
