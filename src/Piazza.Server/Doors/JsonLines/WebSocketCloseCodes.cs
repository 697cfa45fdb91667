using System.Net.WebSockets;
using Piazza.Protocol;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>A WebSocket close frame's status code and reason text (the wire code, at most 123 bytes of UTF-8).</summary>
public readonly record struct WebSocketClose(int Code, string Reason)
{
    public WebSocketCloseStatus Status => (WebSocketCloseStatus)Code;
}

/// <summary>
/// The one table of why the WebSocket door closes a connection and the close frame that says so: RFC 6455 codes where
/// one fits (1000 normal, 1001 going away, 1003 unsupported data, 1008 policy, 1009 too big, 1011 server error), and
/// 4000–4004 (the private-use range) for Piazza's own reasons. The reason text is always the wire name of the
/// <see cref="ErrorCode"/> or <see cref="LeaveReason"/> that caused it, so a client reads one vocabulary in frames and
/// close frames alike. docs/protocol.md ("WebSocket framing and close codes") prints this table; a unit test keeps
/// them equal.
/// </summary>
public static class WebSocketCloseCodes
{
    /// <summary>The client's <c>bye</c>: 1000 "bye".</summary>
    public static readonly WebSocketClose Bye = new(1000, "bye");

    /// <summary>The client closed first (or went away): the server answers 1000 without a reason.</summary>
    public static readonly WebSocketClose Echo = new(1000, "");

    /// <summary>A binary message: frames are JSON text (1003, <c>bad_frame</c>).</summary>
    public static readonly WebSocketClose Binary = new(1003, ErrorCode.BadFrame.ToWire());

    /// <summary>A text message longer than <c>--max-line-bytes</c> (1009, <c>too_large</c>).</summary>
    public static readonly WebSocketClose TooBig = new(1009, ErrorCode.TooLarge.ToWire());

    /// <summary>Every row: the cause (a leave reason or an error code, by wire name) → its close frame.</summary>
    public static IReadOnlyList<(string Cause, WebSocketClose Close)> Table { get; } =
    [
        ("bye", Bye),
        (LeaveReason.Lost.ToWire(), Echo),
        (LeaveReason.Shutdown.ToWire(), new(1001, LeaveReason.Shutdown.ToWire())),
        (ErrorCode.BadFrame.ToWire() + " (binary message)", Binary),
        (LeaveReason.Flooding.ToWire(), new(1008, LeaveReason.Flooding.ToWire())),
        (LeaveReason.Banned.ToWire(), new(1008, LeaveReason.Banned.ToWire())),
        (ErrorCode.TooLarge.ToWire(), TooBig),
        (ErrorCode.ServerError.ToWire(), new(1011, ErrorCode.ServerError.ToWire())),
        (ErrorCode.HelloTimeout.ToWire(), new(4000, ErrorCode.HelloTimeout.ToWire())),
        (LeaveReason.Timeout.ToWire(), new(4001, LeaveReason.Timeout.ToWire())),
        (LeaveReason.Kicked.ToWire(), new(4002, LeaveReason.Kicked.ToWire())),
        (LeaveReason.SessionRevoked.ToWire(), new(4003, LeaveReason.SessionRevoked.ToWire())),
        (LeaveReason.SlowConsumer.ToWire(), new(4004, LeaveReason.SlowConsumer.ToWire())),
    ];

    /// <summary>
    /// The close frame for a connection that ended for <paramref name="reason"/>; <paramref name="error"/> names a
    /// cause finer than the reason (<c>hello_timeout</c> is a <see cref="LeaveReason.Timeout"/> before any hello,
    /// <c>server_error</c> a connection the server failed).
    /// </summary>
    public static WebSocketClose For(LeaveReason reason, ErrorCode? error = null)
    {
        var cause = error is { } code ? code.ToWire() : reason == LeaveReason.Quit ? "bye" : reason.ToWire();
        foreach (var (name, close) in Table)
        {
            if (name == cause)
            {
                return close;
            }
        }

        // Left (a room, never a connection) and anything new: a normal close rather than a wrong meaning.
        return Echo;
    }
}
