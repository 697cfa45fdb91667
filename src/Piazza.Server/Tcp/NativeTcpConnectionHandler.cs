using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Piazza.Core;

namespace Piazza.Server.Tcp;

/// <summary>Kestrel's entry point for the native TCP door: one <see cref="NativeConnection"/> per accepted socket.</summary>
public sealed class NativeTcpConnectionHandler(
    ChatHub hub,
    ServerOptions options,
    ConnectionRegistry registry,
    JsonLinesEventEncoder encoder,
    ILogger<NativeConnection> logger) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var native = new NativeConnection(connection, "tcp", hub, options, encoder, logger);
        var id = registry.Add(native);
        try
        {
            await native.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            registry.Remove(id);
        }
    }
}
