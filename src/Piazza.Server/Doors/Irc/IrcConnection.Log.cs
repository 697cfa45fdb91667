using Microsoft.Extensions.Logging;

namespace Piazza.Server.Doors.Irc;

public sealed partial class IrcConnection
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "IRC connection from {Remote} on the {Door} door")]
        public static partial void Connected(ILogger logger, string door, string remote);

        [LoggerMessage(2, LogLevel.Information, "IRC connection of {Who} closed ({Reason})")]
        public static partial void Disconnected(ILogger logger, string who, string reason);

        [LoggerMessage(3, LogLevel.Error, "IRC connection of {Who} failed")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception, string who);

        [LoggerMessage(4, LogLevel.Information, "{User} registered on IRC from {Remote} ({Door}, {How})")]
        public static partial void Welcomed(ILogger logger, string user, string remote, string door, string how);

        [LoggerMessage(5, LogLevel.Information, "IRC login from {Remote} as {User} refused: {Code}")]
        public static partial void LoginRejected(ILogger logger, string remote, string user, string code);

        [LoggerMessage(6, LogLevel.Information, "IRC {Command} of {Who} refused: {Code} ({Message})")]
        public static partial void CommandRefused(ILogger logger, string who, string command, string code, string message);

        [LoggerMessage(7, LogLevel.Warning, "IRC connection of {Who} is flooding: more than {Refusals} refusals within {Window} s; closing")]
        public static partial void Flooding(ILogger logger, string who, int refusals, double window);

        [LoggerMessage(8, LogLevel.Warning, "IRC connection of {Who} fell too far behind: dropped as a slow consumer")]
        public static partial void SlowConsumer(ILogger logger, string who);

        [LoggerMessage(9, LogLevel.Information, "IRC connection from {Remote} did not register in time")]
        public static partial void RegistrationTimeout(ILogger logger, string remote);

        [LoggerMessage(10, LogLevel.Information, "IRC connection of {Who} timed out (no PONG)")]
        public static partial void IdleTimeout(ILogger logger, string who);

        [LoggerMessage(11, LogLevel.Warning, "IRC {Command} of {Who} failed: the store is unavailable ({Detail})")]
        public static partial void StoreUnavailable(ILogger logger, string who, string command, string detail);
    }
}
