using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>The status line: connection (with the reconnect countdown), who is here and online, transfers.</summary>
internal sealed partial class ChatWindow
{
    private volatile bool _typingShown;

    /// <summary>Keeps the status line current: the online count follows the lobby even while another conversation is shown.</summary>
    private void BindStatus()
    {
        _status.FrameChanged += (_, _) => UpdateStatus(); // a resize may need the shorter form
        _state.UsersChanged += c =>
        {
            if (string.Equals(c.Id, ProtocolConstants.Lobby, StringComparison.OrdinalIgnoreCase))
            {
                UpdateStatus();
            }
        };
    }

    private void UpdateStatus()
    {
        // The node answering now: with several servers it changes when the client fails over.
        var where = (_state.ConnectedServer ?? _client.ConnectedServer)?.ToString() ?? _settings.ServerList;
        var transfers = _controller.Transfers.Status;
        var detail = _state.ConnectionDetail;
        _typingShown = _state.TypingText(_state.Current) is not null;
        _status.Text = PrintableText.Escape(transfers.Length > 0 ? transfers : _state.Connection switch
        {
            ConnectionState.Connected when _state.TypingText(_state.Current) is { } typing => $"✎ {typing} · {Connected(where, _client.Welcome?.User ?? _settings.User, typing.Length + 5)}",
            ConnectionState.Connected => Connected(where, _client.Welcome?.User ?? _settings.User),
            ConnectionState.Reconnecting => $"◌ {Countdown()} · {detail ?? "connection lost"}",
            ConnectionState.Connecting => $"◌ Connecting to {where}…",
            ConnectionState.Closed => "○ Closed",
            _ => $"○ Disconnected{(detail is null ? "" : ": " + detail)}",
        });
    }

    /// <summary>The connected status, shortened to fit a narrow terminal: the server goes first, then the /help hint.</summary>
    private string Connected(string where, string? user, int reserved = 0)
    {
        var width = Math.Max(_status.Frame.Width, Frame.Width - 2) - reserved;
        string[] forms =
        [
            $"● Connected to {where} as {user} · {Presence()} · /help · Ctrl+Q quits",
            $"● Connected as {user} · {Presence()} · /help · Ctrl+Q quits",
            $"● {user} · {Presence()} · Ctrl+Q quits",
        ];
        return forms.FirstOrDefault(f => f.Length <= width) ?? forms[^1];
    }

    /// <summary>
    /// "3 here · 12 online": here = the users of the conversation shown; online = the lobby's users, which every
    /// connection enters (the server gives no other count), known live only while we are in the lobby.
    /// </summary>
    private string Presence()
    {
        var here = $"{(_state.Current.IsPrivate ? _users.Count : _state.Current.UserCount)} here";
        if (_state.Find(ProtocolConstants.Lobby) is not { Users.Count: > 0 } lobby)
        {
            return here;
        }

        // In the lobby the two counts are the same people: say it once.
        return ReferenceEquals(lobby, _state.Current) ? $"{lobby.UserCount} online" : $"{here} · {lobby.UserCount} online";
    }

    /// <summary>"Reconnecting in 7 s · Enter retries now", on the client's clock; "Reconnecting now…" during an attempt.</summary>
    private string Countdown()
    {
        var left = _state.NextAttemptAt - _client.Options.TimeProvider.GetUtcNow();
        return left is { } wait && wait > TimeSpan.Zero
            ? $"Reconnecting in {Math.Ceiling(wait.TotalSeconds):0} s · Enter retries now"
            : "Reconnecting now…";
    }

    private void OnCountdownTick()
    {
        // The countdown, or "bob is typing…" running out (it lasts a few seconds after bob's last notice).
        if (_state.Connection == ConnectionState.Reconnecting || _typingShown)
        {
            ((IChatHost)this).Post(UpdateStatus);
        }
    }
}
