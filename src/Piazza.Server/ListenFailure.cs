using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Piazza.Server.Options;

namespace Piazza.Server;

/// <summary>
/// A door that could not be opened, told as one line that names the address, the reason and the flag that changes
/// it: "cannot listen on 0.0.0.0:7070: address already in use (another program has that port: choose another with --port)".
/// </summary>
internal static partial class ListenFailure
{
    public static string Describe(Exception exception, PiazzaOptions options)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(options);
        var reason = exception.Message;
        var error = (SocketError?)null;
        var address = (string?)null;
        for (var inner = (Exception?)exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                reason = socket.Message.ToLowerInvariant();
                error = socket.SocketErrorCode;
            }

            // Kestrel names the address that failed ("Failed to bind to address http://0.0.0.0:8080: …"), whichever door it is.
            if (address is null && NamedAddress().Match(inner.Message) is { Success: true } named)
            {
                address = named.Groups[1].Value;
            }
        }

        address ??= $"{options.Network.Bind}:{options.Network.Port}";
        var flag = FlagOf(address, options);
        var hint = error switch
        {
            SocketError.AddressAlreadyInUse => $"another program has that port: choose another with {flag}",
            SocketError.AccessDenied => $"this user may not listen on that port: choose another with {flag}",
            SocketError.AddressNotAvailable => "this machine has no such address: choose another with --bind",
            _ => $"change it with {flag} or --bind",
        };
        return $"cannot listen on {address}: {reason.TrimEnd('.')} ({hint})";
    }

    /// <summary>The flag of the door on <paramref name="address"/>'s port (the native TCP door's when no door has it).</summary>
    private static string FlagOf(string address, PiazzaOptions options)
    {
        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return "--port";
        }

        return options.DoorPorts().FirstOrDefault(d => d.Port == port).Flag ?? "--port";
    }

    [GeneratedRegex(@"://(\[[^\]]+\]:\d+|[^\s/:]+:\d+)")]
    private static partial Regex NamedAddress();
}
