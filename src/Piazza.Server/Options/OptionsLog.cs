using Microsoft.Extensions.Logging;

namespace Piazza.Server.Options;

/// <summary>Warning lines about the configuration: an unknown key is most likely a typo the operator wants to see.</summary>
internal static partial class OptionsLog
{
    public static void Warn(ILoggerFactory loggers, IEnumerable<string> warnings)
    {
        var logger = loggers.CreateLogger("Piazza.Server.Options");
        foreach (var warning in warnings)
        {
            Warning(logger, warning);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "{Warning}")]
    private static partial void Warning(ILogger logger, string warning);
}
