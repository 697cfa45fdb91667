namespace Piazza.Core;

/// <summary>Why the hub refused a request: a protocol error code, words for the user, and when to retry if throttled.</summary>
public sealed record HubError(string Code, string Message, TimeSpan? RetryAfter = null);

/// <summary>A value, or the reason there is none.</summary>
public readonly record struct HubResult<T>(T? Value, HubError? Error)
{
    public bool Succeeded => Error is null;

    public static implicit operator HubResult<T>(HubError error) => new(default, error);

    public static HubResult<T> Ok(T value) => new(value, null);
}

/// <summary>The outcome of a send: the message, and whether it was a repeat of an earlier send with the same id.</summary>
public sealed record SendOutcome(MessageEvent Message, bool Duplicate);

/// <summary>A send that has its seq; <see cref="Completion"/> finishes when it is durable (or failed).</summary>
public sealed record PendingSend(Task<HubResult<SendOutcome>> Completion);

/// <summary>A hello, as any door hands it to the hub.</summary>
public sealed record HelloRequest(string? User, string? Password, string? Token, IReadOnlyDictionary<string, long>? Resume, string Address);

/// <summary>One line of a room listing.</summary>
public sealed record RoomListing(string Room, string? Topic, int Members, bool Joined);

/// <summary>Error codes the hub returns; they are the protocol's (docs/protocol.md).</summary>
public static class HubErrors
{
    public const string BadName = "bad_name";
    public const string NameTaken = "name_taken";
    public const string NameReserved = "name_reserved";
    public const string AuthFailed = "auth_failed";
    public const string AuthRequired = "auth_required";
    public const string RateLimited = "rate_limited";
    public const string BadRequest = "bad_request";
    public const string TooLarge = "too_large";
    public const string NoSuchRoom = "no_such_room";
    public const string NotInRoom = "not_in_room";
    public const string NoSuchUser = "no_such_user";
    public const string Forbidden = "forbidden";
    public const string ServerError = "server_error";
    public const string NoSuchFile = "no_such_file";
    public const string TooManyRooms = "too_many_rooms";
    public const string Banned = "banned";
    public const string Muted = "muted";
    public const string NoSuchMessage = "no_such_message";
    public const string NotBanned = "not_banned";
    public const string NameConfusable = "name_confusable";
    public const string BadText = "bad_text";
}
