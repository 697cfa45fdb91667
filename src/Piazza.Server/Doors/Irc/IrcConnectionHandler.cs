using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Server.Connections;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.Irc;

/// <summary>Kestrel's entry point for the IRC door (plain and, behind Kestrel's TLS, TLS): one <see cref="IrcConnection"/> per socket.</summary>
public sealed class IrcConnectionHandler(
    ChatHub hub,
    ConnectionOptions options,
    ConnectionRegistry registry,
    IrcEventEncoder encoder,
    IrcServerInfo server,
    ILogger<IrcConnection> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var door = connection.Features.Get<ITlsHandshakeFeature>() is null ? "irc" : "ircs";
        var irc = new IrcConnection(connection.Transport, connection.RemoteEndPoint?.ToString() ?? "unknown", connection.Abort, door, hub, options, encoder, server, logger);
        using var registration = registry.Open(irc, connection.ConnectionId);
        await irc.RunAsync().ConfigureAwait(false);
    }
}
