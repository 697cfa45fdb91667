using Piazza.Client.Internal;
using Piazza.Protocol;

namespace Piazza.Client;

/// <summary>File sharing: where the HTTP door is, transfers with this session's token, and messages carrying a file.</summary>
public sealed partial class PiazzaClient
{
    /// <summary>
    /// The HTTP door (<c>http://host:httpPort/</c>, the host we are connected to and the port from its <c>welcome</c>), or,
    /// when this connection uses TLS, the HTTPS door (<c>httpsPort</c>): the token never travels unencrypted when the
    /// chat itself is encrypted. Null when the server has no such door.
    /// </summary>
    public Uri? HttpBaseAddress => (Options.Tls ? Welcome?.HttpsPort : Welcome?.HttpPort) is int port and > 0
        ? new UriBuilder(Options.Tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp, _welcomedBy.Host, port, "/").Uri
        : null;

    /// <summary>
    /// A transfer client for this session (it always uses the current token). Throws <see cref="PiazzaException"/>
    /// <see cref="PiazzaFailure.FilesUnavailable"/> for a guest (no token) or a server without an HTTP door.
    /// </summary>
    /// <param name="httpClient">
    /// An HTTP client to use (not disposed by the transfer client); null makes one that, over TLS, checks the HTTPS
    /// door's certificate exactly like the chat connection's (system trust, <see cref="PiazzaClientOptions.CaFile"/>,
    /// <see cref="PiazzaClientOptions.Fingerprint"/>). A supplied client brings its own certificate checks.
    /// </param>
    public FileTransferClient CreateFileTransfer(FileTransferOptions? options = null, HttpClient? httpClient = null)
    {
        if (Token is null)
        {
            throw new PiazzaException(PiazzaFailure.FilesUnavailable, "file sharing needs an account: guests have no session token (log in or register)");
        }

        var address = HttpBaseAddress ?? throw new PiazzaException(
            PiazzaFailure.FilesUnavailable,
            Options.Tls ? "the server offers no HTTPS door for file transfers (no httpsPort in its welcome)" : "the server does not offer file transfers (no HTTP port in its welcome)");
        var validate = Options.Tls && httpClient is null ? new TlsVerifier(Options, host: null).Validate : (System.Net.Security.RemoteCertificateValidationCallback?)null;
        return new FileTransferClient(() => HttpBaseAddress ?? address, () => Token, httpClient, options, validate);
    }

    /// <summary>Shares an uploaded file in a room, with optional text; same guarantees as <see cref="SendAsync(string, string, string?, string?, CancellationToken)"/>.</summary>
    public Task<SentMessage> SendFileAsync(string room, string fileId, string? text = null, string? messageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(room);
        ArgumentException.ThrowIfNullOrEmpty(fileId);
        return SendFrameAsync(new ClientFrame { Type = FrameTypes.Send, Room = room, Text = text, Id = messageId, File = new SharedFileInfo { Id = fileId } }, room, cancellationToken);
    }

    /// <summary>Shares an uploaded file in the private conversation with <paramref name="user"/>.</summary>
    public Task<SentMessage> SendPrivateFileAsync(string user, string fileId, string? text = null, string? messageId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(fileId);
        return SendFrameAsync(new ClientFrame { Type = FrameTypes.Send, To = user, Text = text, Id = messageId, File = new SharedFileInfo { Id = fileId } }, user, cancellationToken);
    }
}
