using Microsoft.Extensions.Logging;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Log lines of the native door, one source-generated method each (no boxing, no parsing at runtime).</summary>
public sealed partial class JsonLinesConnection
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Connection from {RemoteEndPoint} ({Door})")]
        public static partial void Connected(ILogger logger, string door, string remoteEndPoint);

        [LoggerMessage(2, LogLevel.Debug, "{User} said hello from {RemoteEndPoint} ({Door}, {Client})")]
        public static partial void Welcomed(ILogger logger, string user, string remoteEndPoint, string door, string client);

        [LoggerMessage(3, LogLevel.Warning, "Rejected hello from {RemoteEndPoint} as '{User}': {Code} ({Problem})")]
        public static partial void HelloRejected(ILogger logger, string remoteEndPoint, string user, string code, string problem);

        [LoggerMessage(4, LogLevel.Information, "Protocol error from {Who}: {Code} ({Problem})")]
        public static partial void ProtocolError(ILogger logger, string who, string code, string problem);

        [LoggerMessage(5, LogLevel.Information, "Closed {Who}: {Reason}")]
        public static partial void Disconnected(ILogger logger, string who, string reason);

        [LoggerMessage(6, LogLevel.Warning, "No hello from {RemoteEndPoint} in time; closing")]
        public static partial void HelloTimeout(ILogger logger, string remoteEndPoint);

        [LoggerMessage(7, LogLevel.Warning, "{Who} did not answer a ping; closing")]
        public static partial void IdleTimeout(ILogger logger, string who);

        [LoggerMessage(8, LogLevel.Warning, "{Who} is not reading; dropped as a slow consumer")]
        public static partial void SlowConsumer(ILogger logger, string who);

        [LoggerMessage(10, LogLevel.Warning, "{Who} kept flooding (over {Refusals} refusals in {Seconds} s); disconnected")]
        public static partial void Flooding(ILogger logger, string who, int refusals, double seconds);

        [LoggerMessage(11, LogLevel.Warning, "{Who}: '{FrameType}' answered unavailable: the store cannot be reached ({Reason})")]
        public static partial void StoreUnavailable(ILogger logger, string who, string frameType, string reason);

        [LoggerMessage(9, LogLevel.Error, "Connection {Who} failed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception, string who);
    }
}
