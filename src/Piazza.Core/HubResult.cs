using Piazza.Protocol;

namespace Piazza.Core;

/// <summary>Why the hub refused a request: a protocol error code, words for the user, and when to retry if throttled.</summary>
public sealed record HubError(ErrorCode Code, string Message, TimeSpan? RetryAfter = null);

/// <summary>A value, or the reason there is none.</summary>
public readonly record struct HubResult<T>(T? Value, HubError? Error)
{
    public bool Succeeded => Error is null;

    public static implicit operator HubResult<T>(HubError error) => new(default, error);

    public static HubResult<T> Ok(T value) => new(value, null);
}

/// <summary>The outcome of a send: the message, and whether it was a repeat of an earlier send with the same id.</summary>
public sealed record SendOutcome(MessageEvent Message, bool Duplicate)
{
    /// <summary>
    /// The store already held the client id in this conversation for a message with other content (<see cref="Message"/>
    /// is that one): nothing was stored, and the send is refused as <c>conflict</c>.
    /// </summary>
    public bool Conflict { get; init; }
}

/// <summary>A send that has its seq; <see cref="Completion"/> finishes when it is durable (or failed).</summary>
public sealed record PendingSend(Task<HubResult<SendOutcome>> Completion);

/// <summary>A hello, as any door hands it to the hub.</summary>
public sealed record HelloRequest(string? User, string? Password, string? Token, IReadOnlyDictionary<string, long>? Resume, string Address)
{
    /// <summary>The software the hello names (<c>client</c>): the session list's label, with the door.</summary>
    public string? Client { get; init; }
}

/// <summary>One line of a room listing.</summary>
public sealed record RoomListing(string Room, string? Topic, int Members, bool Joined)
{
    /// <summary>A private room (listed only to its members).</summary>
    public bool Private { get; init; }
}

/// <summary>One page of the room list; <see cref="Next"/> is the cursor of the following page, null on the last.</summary>
public sealed record RoomPage(IReadOnlyList<RoomListing> Rooms, string? Next);
