using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Server.Connections;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>Kestrel's entry point for the native TCP door: one <see cref="JsonLinesConnection"/> per accepted socket.</summary>
public sealed class JsonLinesConnectionHandler(
    ChatHub hub,
    ConnectionOptions options,
    ConnectionRegistry registry,
    JsonLinesEventEncoder encoder,
    ILogger<JsonLinesConnection> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // The same handler serves the plain port and, behind Kestrel's TLS, the TLS port.
        var door = connection.Features.Get<ITlsHandshakeFeature>() is null ? "tcp" : "tls";
        var native = new JsonLinesConnection(connection, door, hub, options, encoder, logger);
        using var registration = registry.Open(native, connection.ConnectionId);
        await native.RunAsync().ConfigureAwait(false);
    }
}
