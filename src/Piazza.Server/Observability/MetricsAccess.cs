using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Piazza.Protocol;
using Piazza.Server.Doors.Http;

namespace Piazza.Server.Observability;

/// <summary>
/// Who may read <c>/metrics</c> (<c>--metrics</c>, <c>--metrics-token</c>): a request bearing the token from anywhere;
/// without one, a request from a listed network. A wrong token is 401 wherever it comes from (a misconfigured scraper
/// hears so); an address outside the networks is 401 when a token would open it, else 403. With no token configured,
/// an Authorization header is ignored.
/// </summary>
public sealed class MetricsAccess
{
    private readonly bool _any;
    private readonly IReadOnlyList<IPNetwork> _networks;
    private readonly byte[]? _token;

    public MetricsAccess(ObservabilityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var networks = new List<IPNetwork>();
        foreach (var entry in options.Metrics)
        {
            switch (entry)
            {
                case "any":
                    _any = true;
                    break;
                case "none":
                    break;
                case "loopback":
                    networks.Add(IPNetwork.Parse("127.0.0.0/8"));
                    networks.Add(IPNetwork.Parse("::1/128"));
                    break;
                default:
                    networks.Add(IPAddress.TryParse(entry, out var address) ? new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) : IPNetwork.Parse(entry));
                    break;
            }
        }

        _networks = networks;
        _token = options.MetricsToken is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token) : null;
    }

    /// <summary>Null when <paramref name="context"/> may read the metrics, else the answer to give.</summary>
    public IResult? Refusal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var authorization = context.Request.Headers.Authorization.ToString();
        if (_token is not null && authorization.Length > 0)
        {
            const string Bearer = "Bearer ";
            var presented = authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) ? Encoding.UTF8.GetBytes(authorization[Bearer.Length..].Trim()) : [];
            return CryptographicOperations.FixedTimeEquals(presented, _token) ? null : Unauthorized("the metrics token is wrong");
        }

        if (_any || (context.Connection.RemoteIpAddress is { } remote && Allows(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote)))
        {
            return null;
        }

        return _token is not null
            ? Unauthorized("a bearer token (--metrics-token) is required from this address")
            : HttpErrors.Result(ErrorCode.Forbidden, "metrics are not served to this address; allow its network with --metrics");
    }

    private bool Allows(IPAddress address)
    {
        foreach (var network in _networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>401 with the bearer challenge (<see cref="HttpErrors"/> adds it to every 401).</summary>
    private static IResult Unauthorized(string message) => HttpErrors.Result(ErrorCode.AuthFailed, message);
}
