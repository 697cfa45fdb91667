namespace Piazza.Server.Options;

/// <summary>
/// What short HTTP requests obey (docs/http-api.md, "Request limits"): a request rate per bearer token (per address
/// for requests without one), a ceiling per address for everything it sends, and a generous cap of open HTTP
/// connections per address. Long-lived connections made over HTTP (WebSocket, the event stream) take their place in
/// the per-address connection limits of <see cref="ConnectionOptions"/> instead.
/// </summary>
public sealed record HttpLimitOptions
{
    /// <summary>
    /// API requests per second one token may make, from any address (and one address without a token); 0 means no
    /// limit. 20 per second outpaces any bot's message rate (the account's message limit, 10 per second, bites first).
    /// </summary>
    public double RequestRate { get; init; } = 20;

    /// <summary>Requests at once before <see cref="RequestRate"/> applies: a script's burst of 100 calls goes through.</summary>
    public int RequestBurst { get; init; } = 100;

    /// <summary>
    /// API requests per second one address (IPv6: its /64) may make, all tokens together; 0 means no limit. Ten times
    /// the per-token rate, so the users behind one NAT do not starve each other, while random tokens cannot multiply
    /// one address's rate without bound.
    /// </summary>
    public double AddressRequestRate { get; init; } = 200;

    /// <summary>Requests at once one address may make before <see cref="AddressRequestRate"/> applies.</summary>
    public int AddressRequestBurst { get; init; } = 1000;

    /// <summary>
    /// HTTP connections (any: keep-alive, one-shot, WebSocket) one address may hold open at once; 0 means no limit.
    /// Generous: a browser holds 6 per origin, a bot a few; it bounds only memory, never the request rate.
    /// </summary>
    public int MaxConnectionsPerAddress { get; init; } = 512;
}
