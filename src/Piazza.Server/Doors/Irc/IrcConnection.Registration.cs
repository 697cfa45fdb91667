using System.Text;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// Registration: CAP negotiation (LS 302, LIST, REQ, END), SASL PLAIN against Piazza accounts, PASS (the account's
/// password, for clients without SASL), NICK and USER. Once CAP is over and NICK and USER are in, the hub is asked for
/// a session: with the SASL login's token, the account and PASS, or as a guest under the nick.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>SASL payloads come in chunks of 400 bytes; a longer payload than this is refused (905).</summary>
    private const int MaxSaslBytes = 4096;

    private bool _capNegotiating;
    private string? _requestedNick;
    private bool _userGiven;
    private string? _password;
    private string? _saslToken;
    private bool _saslInProgress;
    private readonly StringBuilder _saslPayload = new();

    /// <summary>Completes with the session once the hub has welcomed this connection (for work the write loop starts before that).</summary>
    private readonly TaskCompletionSource<ChatSession> _welcomed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void HandleCap(IrcMessage message)
    {
        var sub = message.Param(0)?.ToUpperInvariant();
        switch (sub)
        {
            case "LS":
                if (_session is null)
                {
                    _capNegotiating = true;
                }

                var withValues = int.TryParse(message.Param(1), out var version) && version >= 302;
                if (withValues)
                {
                    Volatile.Write(ref _caps, Caps.With(IrcCap.CapNotify).Bits);
                }

                var offered = string.Join(' ', IrcCapabilities.All.Select(c => withValues && c.Value is not null ? $"{c.Name}={c.Value}" : c.Name));
                Send(new IrcLine().Command(_server.Name, "CAP").Param(_nick).Param("LS").Trailing(offered));
                break;
            case "LIST":
                var enabled = string.Join(' ', IrcCapabilities.All.Where(c => Caps.Has(c.Cap)).Select(c => c.Name));
                Send(new IrcLine().Command(_server.Name, "CAP").Param(_nick).Param("LIST").Trailing(enabled));
                break;
            case "REQ":
                if (_session is null)
                {
                    _capNegotiating = true;
                }

                RequestCaps(message.Param(1) ?? "");
                break;
            case "END":
                _capNegotiating = false;
                break;
            default:
                SendNumeric("410", sub ?? "*", "Invalid CAP subcommand");
                break;
        }
    }

    /// <summary>All or nothing, as the spec asks: one unknown name NAKs the whole request.</summary>
    private void RequestCaps(string requested)
    {
        var caps = Caps;
        foreach (var item in requested.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var remove = item.StartsWith('-');
            var cap = IrcCapabilities.Find(remove ? item[1..] : item);
            if (cap == IrcCap.None)
            {
                Send(new IrcLine().Command(_server.Name, "CAP").Param(_nick).Param("NAK").Trailing(requested));
                return;
            }

            caps = remove ? caps.Without(cap) : caps.With(cap);
        }

        // draft/multiline sends batches: without batch a client could not read them (the spec makes it depend on batch).
        if (caps.Has(IrcCap.Multiline) && !caps.Has(IrcCap.Batch))
        {
            Send(new IrcLine().Command(_server.Name, "CAP").Param(_nick).Param("NAK").Trailing(requested));
            return;
        }

        Volatile.Write(ref _caps, caps.Bits);
        Send(new IrcLine().Command(_server.Name, "CAP").Param(_nick).Param("ACK").Trailing(requested));
    }

    private async Task HandleAuthenticateAsync(IrcMessage message)
    {
        var data = message.Param(0);
        if (data is null)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "AUTHENTICATE", "Not enough parameters");
            return;
        }

        if (_session is not null || _saslToken is not null)
        {
            SendNumeric(IrcNumerics.SaslAlready, "You have already authenticated using SASL");
            return;
        }

        if (data == "*")
        {
            ResetSasl();
            SendNumeric(IrcNumerics.SaslAborted, "SASL authentication aborted");
            return;
        }

        if (!_saslInProgress)
        {
            if (!data.Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
            {
                SendNumeric(IrcNumerics.SaslMechs, "PLAIN", "are available SASL mechanisms");
                SendNumeric(IrcNumerics.SaslFail, "SASL authentication failed");
                return;
            }

            _saslInProgress = true;
            Send(new IrcLine().Command(null, "AUTHENTICATE").Param("+"));
            return;
        }

        if (data != "+")
        {
            _saslPayload.Append(data);
        }

        if (_saslPayload.Length > MaxSaslBytes)
        {
            ResetSasl();
            SendNumeric(IrcNumerics.SaslTooLong, "SASL message too long");
            return;
        }

        if (data.Length == 400)
        {
            return; // more chunks follow (a payload of exactly 400·n bytes ends with "+")
        }

        var payload = _saslPayload.ToString();
        ResetSasl();
        await LoginWithSaslAsync(payload).ConfigureAwait(false);
    }

    private async Task LoginWithSaslAsync(string payload)
    {
        string[] parts;
        try
        {
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(payload)).Split('\0');
        }
        catch (FormatException)
        {
            parts = [];
        }

        if (parts.Length != 3 || (parts[0].Length > 0 && parts[0] != parts[1]))
        {
            SendNumeric(IrcNumerics.SaslFail, "SASL authentication failed: a PLAIN payload is authzid NUL authcid NUL password, with authzid empty or the same account");
            return;
        }

        _liveness.HelloStarted();
        try
        {
            var login = await _hub.LoginForTokenAsync(parts[1], parts[2], RemoteAddress, CancellationToken.None, label: "IRC").ConfigureAwait(false);
            if (!login.Succeeded)
            {
                Log.LoginRejected(_logger, RemoteEndPoint, LogText.Of(parts[1]), login.Error!.Code.ToWire());
                SendNumeric(IrcNumerics.SaslFail, "SASL authentication failed: " + login.Error.Message);
                return;
            }

            var (token, account) = login.Value;
            _saslToken = token;
            Send(new IrcLine().Command(_server.Name, IrcNumerics.LoggedIn).Param(_nick).Param(IrcNames.Source(account)).Param(account).Trailing($"You are now logged in as {account}"));
            SendNumeric(IrcNumerics.SaslSuccess, "SASL authentication successful");
        }
        finally
        {
            _liveness.HelloEnded();
        }
    }

    private void ResetSasl()
    {
        _saslInProgress = false;
        _saslPayload.Clear();
    }

    /// <summary>NICK before registration names the session to ask for; after it, Piazza names do not change (447).</summary>
    private void HandleNick(IrcMessage message)
    {
        var nick = message.Param(0);
        if (string.IsNullOrEmpty(nick))
        {
            SendNumeric(IrcNumerics.NoNicknameGiven, "No nickname given");
            return;
        }

        if (_session is not null)
        {
            if (!string.Equals(nick, _nick, StringComparison.OrdinalIgnoreCase))
            {
                SendNumeric("447", "Your nickname is your Piazza name and cannot change while you are connected");
            }

            return;
        }

        if (!UserNamePolicy.IsValid(nick, out var problem))
        {
            SendNumeric(IrcNumerics.ErroneusNickname, nick, "Erroneous nickname: " + problem);
            return;
        }

        _requestedNick = nick;
    }

    private void HandleUser(IrcMessage message)
    {
        if (_session is not null)
        {
            SendNumeric(IrcNumerics.AlreadyRegistered, "You may not reregister");
            return;
        }

        if (message.Parameters.Count < 4)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "USER", "Not enough parameters");
            return;
        }

        _userGiven = true;
    }

    private void HandlePass(IrcMessage message)
    {
        if (_session is not null)
        {
            SendNumeric(IrcNumerics.AlreadyRegistered, "You may not reregister");
            return;
        }

        _password = message.Param(0);
    }

    /// <summary>Asks the hub for a session once registration is complete; a refused nick leaves the client free to send another.</summary>
    private async Task TryCompleteRegistrationAsync()
    {
        if (_session is not null || _capNegotiating || _saslInProgress || _requestedNick is not { } nick || !_userGiven)
        {
            return;
        }

        if (_hub.IsShuttingDown)
        {
            SendError("Closing link: the server is shutting down");
            CloseWith(LeaveReason.Shutdown);
            return;
        }

        HubResult<ChatSession> result;
        _liveness.HelloStarted();
        try
        {
            var request = _saslToken is { } token
                ? new HelloRequest(null, null, token, null, RemoteAddress)
                : new HelloRequest(nick, _password, null, null, RemoteAddress);
            result = await _hub.HelloAsync(this, request with { Client = "IRC" }).ConfigureAwait(false);
        }
        finally
        {
            _liveness.HelloEnded();
        }

        if (result.Succeeded)
        {
            _session = result.Value;
            _nick = _session!.Name;
            _welcomed.TrySetResult(_session);
            Log.Welcomed(_logger, LogText.Of(_session.Name), RemoteEndPoint, Door, _saslToken is not null ? "sasl" : _password is not null ? "pass" : "guest");
            return;
        }

        var error = result.Error!;
        Log.LoginRejected(_logger, RemoteEndPoint, LogText.Of(nick), error.Code.ToWire());
        _requestedNick = null;
        switch (error.Code)
        {
            case ErrorCode.BadName:
                SendNumeric(IrcNumerics.ErroneusNickname, nick, "Erroneous nickname: " + error.Message);
                break;
            case ErrorCode.NameTaken or ErrorCode.NameReserved or ErrorCode.NameConfusable:
                SendNumeric(IrcNumerics.NicknameInUse, nick, error.Message + (error.Code == ErrorCode.NameReserved ? " (log in with SASL or PASS to use it)" : ""));
                break;
            case ErrorCode.AuthFailed or ErrorCode.AuthRequired:
                SendNumeric(IrcNumerics.PasswdMismatch, error.Code == ErrorCode.AuthRequired ? "An account is required here: log in with SASL or PASS" : "Password incorrect");
                SendError("Closing link: " + error.Message);
                CloseWith(LeaveReason.Quit);
                break;
            case ErrorCode.Banned:
                SendNumeric(IrcNumerics.YoureBannedCreep, error.Message);
                SendError("Closing link: " + error.Message);
                CloseWith(LeaveReason.Banned);
                break;
            default:
                SendError("Closing link: " + error.Message);
                CloseWith(LeaveReason.Quit);
                break;
        }
    }
}
