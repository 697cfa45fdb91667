using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>File sharing: where the HTTP door is, transfers with this session's token, and messages carrying a file.</summary>
public sealed partial class PiazzaClient
{
    /// <summary>
    /// The HTTP door (<c>http://host:httpPort/</c>, the host we connected to and the port from <c>welcome</c>), or,
    /// when this connection uses TLS, the HTTPS door (<c>httpsPort</c>): the token never travels unencrypted when the
    /// chat itself is encrypted. Null when the server has no such door.
    /// </summary>
    public Uri? HttpBaseAddress => (Options.Tls ? Welcome?.HttpsPort : Welcome?.HttpPort) is int port and > 0
        ? new UriBuilder(Options.Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, Options.Host, port, "/").Uri
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

        var address = HttpBaseAddress ?? throw new PiazzaException(
            PiazzaException.FilesUnavailable,
            Options.Tls ? "the server offers no HTTPS door for file transfers (no httpsPort in its welcome)" : "the server does not offer file transfers (no HTTP port in its welcome)");
        // Over TLS the HTTPS door is verified exactly like the chat connection (system trust, --ca, --fingerprint).
        var validate = Options.Tls ? new TlsVerifier(Options).Validate : (System.Net.Security.RemoteCertificateValidationCallback?)null;
        return new FileTransferClient(address, () => Token, options, validate);
    }

    /// <summary>Shares an uploaded file in a room, with optional text; same guarantees as <see cref="SendAsync"/>.</summary>
    public Task<ServerFrame> SendFileAsync(string fileId, string room = ProtocolConstants.Lobby, string? text = null, CancellationToken cancellationToken = default)
        => SendReliablyAsync(new ClientFrame { Type = FrameTypes.Send, Room = room, Text = text, File = new SharedFileInfo { Id = fileId } }, cancellationToken);

    /// <summary>Shares an uploaded file in a private conversation with <paramref name="user"/>.</summary>
    public Task<ServerFrame> SendFileToAsync(string user, string fileId, string? text = null, CancellationToken cancellationToken = default)
        => SendReliablyAsync(new ClientFrame { Type = FrameTypes.Send, To = user, Text = text, File = new SharedFileInfo { Id = fileId } }, cancellationToken);
}
