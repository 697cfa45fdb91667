using System.IO.Pipelines;
using System.Net.Sockets;
using Piazza.Protocol;

namespace Piazza.Client.Internal;

/// <summary>One connection (TCP, maybe TLS) and its read loop; a reconnect makes a new one.</summary>
internal sealed class Link(Socket socket, Stream stream, ServerEndpoint server) : IDisposable
{
    /// <summary>The server at the other end.</summary>
    public ServerEndpoint Server { get; } = server;

    public PipeReader Input { get; } = PipeReader.Create(stream);

    public PipeWriter Output { get; } = PipeWriter.Create(stream);

    /// <summary>The answer to hello: welcome, or the error that refused it.</summary>
    public TaskCompletionSource<ServerFrame> Hello { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The read loop; its result says why the link ended.</summary>
    public Task<string> Reading { get; set; } = Task.FromResult("");

    public long LastHeardAt { get; set; } = Environment.TickCount64;

    /// <summary>
    /// Set when the server told us not to come back (kicked or banned from the server, credentials revoked), so
    /// reconnecting would be wrong: why, in words (e.g. "kicked from the server by alice: spam"); null otherwise.
    /// </summary>
    public string? FinalReason { get; set; }

    public void Dispose()
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // already gone
        }

        stream.Dispose();
    }
}
