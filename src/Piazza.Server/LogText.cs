using Piazza.Protocol;

namespace Piazza.Server;

/// <summary>
/// A client-supplied value (a name, an origin, an error message quoting the client) as it may appear in a log line:
/// control and direction characters escaped (<see cref="PrintableText"/>), so no client can forge a line or send
/// escape sequences to the operator's terminal, and cut at <see cref="MaxChars"/> so no client can fill the log.
/// Every log call that prints client input passes it through <see cref="Of"/>.
/// </summary>
internal static class LogText
{
    /// <summary>Longest value printed; names are 32, reasons and topics 300, anything longer is hostile or a mistake.</summary>
    public const int MaxChars = 300;

    public static string Of(string? text) => PrintableText.Escape(text, MaxChars);
}
