using Piazza.Protocol;

namespace Piazza.Core.Admin;

/// <summary>
/// The one rule of the admin operations (docs/admin.md): a server admin's session, or the operator (the console and
/// <c>piazza-server admin</c> on the data folder); admins act on accounts that are not admins, the operator on any.
/// </summary>
internal static class AdminRule
{
    /// <summary>Entries a page holds when the request names no limit.</summary>
    public const int DefaultPage = 100;

    /// <summary>Most entries one page may hold.</summary>
    public const int MaxPage = 500;

    /// <summary>Null when <paramref name="actor"/> may run admin operations; otherwise <c>forbidden</c>.</summary>
    public static HubError? Refuse(ChatSession? actor)
        => actor is { User.IsAdmin: true } ? null : new HubError(ErrorCode.Forbidden, "only server admins can do this");

    /// <summary>Whether the actor may act on an account: the operator on any, an admin on one that is not an admin.</summary>
    public static bool MayActOn(ChatSession actor, bool targetIsAdmin) => IsOperator(actor) || !targetIsAdmin;

    public static bool IsOperator(ChatSession actor) => actor.Connection is OperatorConnection;

    /// <summary>A page size as asked (<see cref="DefaultPage"/> when null), or <c>bad_request</c> outside 1..<see cref="MaxPage"/>.</summary>
    public static HubResult<int> PageSize(int? limit)
        => limit is < 1 or > MaxPage ? new HubError(ErrorCode.BadRequest, $"\"limit\" must be between 1 and {MaxPage}") : HubResult<int>.Ok(limit ?? DefaultPage);
}

/// <summary>The connection of the operator's session: it has no stream, so events for it are dropped.</summary>
internal sealed class OperatorConnection : IChatConnection
{
    public static readonly OperatorConnection Instance = new();

    public string Door => "operator";

    public string RemoteEndPoint => "local";

    public string RemoteAddress => "local";

    public bool TryEnqueue(ChatEvent chatEvent) => true;

    public Task WaitForCapacityAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Close(bool flush)
    {
    }
}
