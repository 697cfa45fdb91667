using Microsoft.Extensions.Logging;

namespace Piazza.Server.Observability;

/// <summary>Where the start-up lines (listening on …, the data folder) go: the console as text, or the JSON log as log lines.</summary>
internal static partial class StartupLines
{
    public static Action<string> For(string logFormat, ILoggerFactory loggers)
    {
        if (logFormat != ObservabilityOptions.JsonLogs)
        {
            return System.Console.WriteLine;
        }

        var logger = loggers.CreateLogger("Piazza.Server.Startup");
        return line => Started(logger, line);
    }

    [LoggerMessage(1, LogLevel.Information, "{Line}")]
    private static partial void Started(ILogger logger, string line);
}
