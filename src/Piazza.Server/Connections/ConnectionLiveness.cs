using Microsoft.AspNetCore.Connections;
using Piazza.Server.Options;

namespace Piazza.Server.Connections;

/// <summary>What the heartbeat should do with a line connection now (<see cref="ConnectionLiveness.Check"/>).</summary>
public enum LivenessVerdict
{
    Fine,

    /// <summary>No hello (or IRC registration) within the deadline: tell it and close.</summary>
    HelloTimeout,

    /// <summary>Silent for the idle timeout: send a ping.</summary>
    Ping,

    /// <summary>No answer to the ping within half the idle timeout again: close.</summary>
    IdleTimeout,
}

/// <summary>
/// The one liveness rule of the line doors (JSON lines and IRC): the hello deadline, which stops counting while a
/// hello is with the hub (a queued password hash is the server's time, not the client's), and the idle ping and its
/// deadline. Thread-safe: the read loop marks what it hears, the heartbeat asks.
/// </summary>
public sealed class ConnectionLiveness(ConnectionOptions options)
{
    private readonly long _openedAt = Environment.TickCount64;
    private long _lastHeardAt = Environment.TickCount64;
    private long _pingedAt;
    private int _helloInProgress;

    /// <summary>The client sent something: it is alive, and any ping is answered.</summary>
    public void Heard()
    {
        Volatile.Write(ref _lastHeardAt, Environment.TickCount64);
        Volatile.Write(ref _pingedAt, 0);
    }

    /// <summary>A hello (or login) is with the hub: the hello deadline does not run out meanwhile.</summary>
    public void HelloStarted() => Volatile.Write(ref _helloInProgress, 1);

    public void HelloEnded() => Volatile.Write(ref _helloInProgress, 0);

    /// <summary>What to do now; a <see cref="LivenessVerdict.Ping"/> is given once per silence.</summary>
    public LivenessVerdict Check(long nowMilliseconds, bool welcomed)
    {
        if (!welcomed)
        {
            return Volatile.Read(ref _helloInProgress) == 0 && nowMilliseconds - _openedAt > (long)options.HelloTimeout.TotalMilliseconds
                ? LivenessVerdict.HelloTimeout
                : LivenessVerdict.Fine;
        }

        var pingedAt = Volatile.Read(ref _pingedAt);
        if (pingedAt == 0)
        {
            if (nowMilliseconds - Volatile.Read(ref _lastHeardAt) <= (long)options.IdleTimeout.TotalMilliseconds)
            {
                return LivenessVerdict.Fine;
            }

            Volatile.Write(ref _pingedAt, nowMilliseconds);
            return LivenessVerdict.Ping;
        }

        return nowMilliseconds - pingedAt > (long)(options.IdleTimeout.TotalMilliseconds / 2) ? LivenessVerdict.IdleTimeout : LivenessVerdict.Fine;
    }

    /// <summary>The exceptions that mean the peer went away (or the connection was aborted), not a server fault.</summary>
    public static bool IsDisconnect(Exception ex)
        => ex is ConnectionResetException or ConnectionAbortedException or IOException or OperationCanceledException or ObjectDisposedException;
}
