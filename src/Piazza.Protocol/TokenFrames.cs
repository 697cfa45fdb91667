namespace Piazza.Protocol;

/// <summary>
/// A named token as listed (docs/protocol.md, "Tokens, sessions and bots"): its name, scopes (<c>read</c>,
/// <c>send</c>, <c>moderate</c>), when it was created and last used, and when it expires (absent: never). The secret
/// is never listed: it is in the <c>token</c> of <c>token_create</c>'s answer only.
/// </summary>
public sealed class TokenInfo
{
    public string Name { get; set; } = "";
    public IReadOnlyList<string> Scopes { get; set; } = [];
    public string Created { get; set; } = "";
    public string? LastUsed { get; set; }
    public string? Expires { get; set; }
}

/// <summary>
/// One session (login) of the account: <c>id</c> (what <c>session_revoke</c> takes), a <c>label</c> saying where it
/// was opened (client and door), created, last used, expires (it slides while used), and <c>current</c> for the asking one.
/// </summary>
public sealed class SessionListing
{
    public string Id { get; set; } = "";
    public string? Label { get; set; }
    public string Created { get; set; } = "";
    public string? LastUsed { get; set; }
    public string? Expires { get; set; }
    public bool? Current { get; set; }
}
