using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>File sharing: where the HTTP door is, transfers with this session's token, and messages carrying a file.</summary>
public sealed partial class PiazzaClient
{
    /// <summary>
    /// The HTTP door (<c>http://host:httpPort/</c>, the host we connected to and the port from <c>welcome</c>), or null
    /// when the server has no HTTP door.
    /// </summary>
    public Uri? HttpBaseAddress => Welcome?.HttpPort is int port and > 0
        ? new UriBuilder(Uri.UriSchemeHttp, Options.Host, port, "/").Uri
        : null;

    /// <summary>
    /// A transfer client for this session (it always uses the current token). Throws <see cref="PiazzaException"/>
    /// <c>files_unavailable</c> for a guest (no token) or a server without an HTTP door.
    /// </summary>
    public FileTransferClient CreateFileTransfer(FileTransferOptions? options = null)
    {
        if (Token is null)
        {
            throw new PiazzaException(PiazzaException.FilesUnavailable, "file sharing needs an account: guests have no session token (log in or register)");
        }

        var address = HttpBaseAddress ?? throw new PiazzaException(PiazzaException.FilesUnavailable, "the server does not offer file transfers (no HTTP port in its welcome)");
        return new FileTransferClient(address, () => Token, options);
    }

    /// <summary>Shares an uploaded file in a room, with optional text; same guarantees as <see cref="SendAsync"/>.</summary>
    public Task<ServerFrame> SendFileAsync(string fileId, string room = ProtocolConstants.Lobby, string? text = null, CancellationToken cancellationToken = default)
        => SendReliablyAsync(new ClientFrame { Type = FrameTypes.Send, Room = room, Text = text, File = new SharedFileInfo { Id = fileId } }, cancellationToken);

    /// <summary>Shares an uploaded file in a private conversation with <paramref name="user"/>.</summary>
    public Task<ServerFrame> SendFileToAsync(string user, string fileId, string? text = null, CancellationToken cancellationToken = default)
        => SendReliablyAsync(new ClientFrame { Type = FrameTypes.Send, To = user, Text = text, File = new SharedFileInfo { Id = fileId } }, cancellationToken);
}
