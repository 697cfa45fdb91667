using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Piazza.Server.Doors.Http;

/// <summary>
/// The headers every response of the HTTP doors carries (page, scripts, API, WebSocket upgrade): a strict
/// Content-Security-Policy, no MIME sniffing, no framing, no referrer, and HSTS over HTTPS. Set before the endpoint
/// runs, so an endpoint with a stricter policy of its own (file downloads) replaces it.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>HSTS lifetime: one year, the common preload minimum. Not for subdomains: other services may live there.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>
    /// What the page may load: its own scripts and styles only (no inline code, no eval), images from itself and the
    /// blob: URLs it makes of downloaded pictures, and connections to itself, including its WebSocket (added per
    /// request: <c>'self'</c> covers ws:/wss: only in newer browsers). No plugins, no frames, no base or foreign forms.
    /// </summary>
    private const string PagePolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'; connect-src 'self'";

    public static void Use(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use((context, next) =>
        {
            Apply(context.Request, context.Response.Headers);
            return next(context);
        });
    }

    /// <summary>The policy for a response to <paramref name="request"/>: the page's, with this server's WebSocket origin.</summary>
    public static string ContentSecurityPolicyFor(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var host = request.Host.Value;
        return IsPlainHost(host) ? $"{PagePolicy} {(request.IsHttps ? "wss" : "ws")}://{host}" : PagePolicy;
    }

    private static void Apply(HttpRequest request, IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicyFor(request);
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (request.IsHttps && !IsLocalhostName(request.Host.Host))
        {
            headers.StrictTransportSecurity = StrictTransportSecurity;
        }
    }

    /// <summary>
    /// HSTS binds a host name on every port for a year: pinned "localhost" would turn every developer's plain
    /// http://localhost service to https (ASP.NET Core's UseHsts skips it for the same reason). Browsers ignore HSTS
    /// for IP addresses, so 127.0.0.1 may carry it.
    /// </summary>
    private static bool IsLocalhostName(string host)
        => host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>Only a host name or address with a port goes into a header; Kestrel checks Host, this keeps it obvious.</summary>
    private static bool IsPlainHost(string? host)
        => host is { Length: > 0 and <= 300 } && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':' or '[' or ']');
}
