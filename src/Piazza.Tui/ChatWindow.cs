using System.Collections.ObjectModel;
using Piazza.Client;
using Piazza.Protocol;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Piazza.Tui;

/// <summary>
/// The main window: messages, user list, input line and status. Client events arrive on other threads and are
/// marshalled onto the UI thread with <see cref="IApplication.Invoke(Action)"/>; the chat logic lives in
/// <see cref="ChatState"/> and <see cref="ChatCommand"/>.
/// </summary>
internal sealed class ChatWindow : Window
{
    private const int UserListWidth = 24;

    private readonly IApplication _app;
    private readonly PiazzaClient _client;
    private readonly ConnectSettings _settings;
    private readonly ChatState _state = new();
    private readonly ObservableCollection<ChatRow> _lines = [];
    private readonly ObservableCollection<string> _users = [];
    private readonly ListView _messages;
    private readonly FrameView _messagesFrame;
    private readonly ListView _userList;
    private readonly FrameView _usersFrame;
    private readonly TextField _input;
    private readonly Button _send;
    private readonly Label _status;
    private string? _lastDetail;
    private bool _follow = true;
    private int _wrapWidth;
    private volatile bool _stopped;

    public ChatWindow(IApplication app, PiazzaClient client, ConnectSettings settings)
    {
        _app = app;
        _client = client;
        _settings = settings;
        Title = $"Piazza · {settings.Host}:{settings.Port}";

        _messagesFrame = new FrameView { Title = "#" + ProtocolConstants.Lobby, X = 0, Y = 0, Width = Dim.Fill(UserListWidth), Height = Dim.Fill(2) };
        _messages = new ListView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true, TabStop = TabBehavior.TabStop };
        _messages.SetSource(_lines);
        _messages.RowRender += OnMessageRowRender;
        _messages.ViewportChanged += (_, _) => _follow = IsAtBottom();
        _messages.FrameChanged += (_, _) => OnMessagesResized();
        _messagesFrame.Add(_messages);

        _usersFrame = new FrameView { Title = "Users", X = Pos.Right(_messagesFrame), Y = 0, Width = Dim.Fill(), Height = Dim.Fill(2) };
        _userList = new ListView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = false };
        _userList.SetSource(_users);
        _usersFrame.Add(_userList);

        _send = new Button { Text = "Send", X = Pos.AnchorEnd(), Y = Pos.AnchorEnd(2) };
        var prompt = new Label { Text = "›", X = 0, Y = Pos.AnchorEnd(2) };
        _input = new TextField { X = 2, Y = Pos.AnchorEnd(2), Width = Dim.Fill(_send) };
        _status = new Label { X = 0, Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Height = 1 };

        // Enter in the input and the Send button both submit; Handled stops Enter from closing the window.
        _input.Accepting += (_, e) =>
        {
            e.Handled = true;
            Submit();
        };
        _send.Accepting += (_, e) =>
        {
            e.Handled = true;
            Submit();
            _input.SetFocus();
        };

        Add(_messagesFrame, _usersFrame, prompt, _input, _send, _status);
        _input.SetFocus();

        _state.LineAdded += OnLineAdded;
        _state.UsersChanged += OnUsersChanged;
        _client.StateChanged += OnClientStateChanged;
        UpdateStatus(_client.State, null);
        IsRunningChanged += (_, e) =>
        {
            if (!e.Value)
            {
                _stopped = true;
            }
        };
        Pumping = PumpEventsAsync();
    }

    /// <summary>Why the connection ended for good (kicked, name refused on reconnect); null when the user quit.</summary>
    public string? LostReason { get; private set; }

    /// <summary>The chat state shown, for tests.</summary>
    internal ChatState State => _state;

    /// <summary>What is typed in the input line, for tests.</summary>
    internal string InputText => _input.Text ?? "";

    /// <summary>Ends when the client's event stream ends.</summary>
    internal Task Pumping { get; }

    /// <summary>Scrolls the message list as PgUp/PgDn would; scrolling up stops following new lines.</summary>
    internal void ScrollMessages(int rows) => _messages.ScrollVertical(rows);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopped = true;
            _client.StateChanged -= OnClientStateChanged;
        }

        base.Dispose(disposing);
    }

    private async Task PumpEventsAsync()
    {
        await foreach (var frame in _client.Events.ReadAllAsync().ConfigureAwait(false))
        {
            Post(() => _state.Apply(frame));
        }

        // The stream ends when the client is closed (we quit) or gives up reconnecting (kicked, name refused).
        Post(() =>
        {
            if (_client.State != ConnectionState.Closed)
            {
                LostReason = _lastDetail ?? "the connection ended";
                RequestStop();
            }
        });
    }

    /// <summary>Runs <paramref name="action"/> on the UI thread unless the window is gone.</summary>
    private void Post(Action action)
    {
        if (_stopped)
        {
            return;
        }

        _app.Invoke(() =>
        {
            if (!_stopped)
            {
                action();
            }
        });
    }

    private void Submit()
    {
        var text = _input.Text ?? "";
        _input.Text = "";
        switch (ChatCommand.Parse(text))
        {
            case ChatCommand.Send send:
                _ = SendAsync(send.Text);
                break;
            case ChatCommand.Who:
                _ = WhoAsync();
                break;
            case ChatCommand.Help:
                _state.AddSystem(ChatCommand.HelpText);
                _state.AddSystem("Keys: Enter sends, Tab moves between input and messages (PgUp/PgDn scroll), Esc quits.");
                break;
            case ChatCommand.Quit:
                RequestStop();
                break;
            case ChatCommand.Unknown unknown:
                _state.AddError($"unknown command {unknown.Name}; /help lists commands");
                break;
        }
    }

    private async Task SendAsync(string text)
    {
        try
        {
            // No local echo: the server sends our message back to everyone, us included, in room order.
            await _client.SendAsync(text).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            Post(() => _state.AddError($"not sent ({ex.Message}): {Shorten(text)}"));
        }
    }

    private async Task WhoAsync()
    {
        try
        {
            var users = await _client.WhoAsync().ConfigureAwait(false);
            Post(() =>
            {
                _state.SetUsers(users.Select(u => u.User));
                _state.AddSystem(ChatCommand.FormatUsers(users.Select(u => u.User)));
            });
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            Post(() => _state.AddError($"/who failed: {ex.Message}"));
        }
    }

    private void OnLineAdded(ChatLine line, bool removedOldest)
    {
        var follow = _follow || IsAtBottom();
        AddRows(line);
        if (removedOldest && _lines.Count > 0)
        {
            var oldest = _lines[0].Line;
            while (_lines.Count > 0 && ReferenceEquals(_lines[0].Line, oldest))
            {
                _lines.RemoveAt(0);
            }
        }

        _follow = follow;
        FollowIfNeeded();
    }

    /// <summary>Adds the rows of one line, wrapped to the list's width under the text column.</summary>
    private void AddRows(ChatLine line)
    {
        foreach (var row in LineWrapper.Wrap(line.ToString(), _wrapWidth, ChatLine.TextColumn))
        {
            _lines.Add(new ChatRow(line, row));
        }
    }

    /// <summary>Re-wraps every line when the width changes (terminal resized).</summary>
    private void OnMessagesResized()
    {
        var width = _messages.Viewport.Width;
        if (width > 0 && width != _wrapWidth)
        {
            var follow = _follow || IsAtBottom();
            _wrapWidth = width;
            _lines.Clear();
            foreach (var line in _state.Lines)
            {
                AddRows(line);
            }

            _follow = follow;
        }

        FollowIfNeeded();
    }

    private void OnUsersChanged()
    {
        _users.Clear();
        foreach (var user in _state.Users)
        {
            _users.Add(string.Equals(user, _state.Self, StringComparison.OrdinalIgnoreCase) ? user + " (you)" : user);
        }

        _usersFrame.Title = $"Users ({_users.Count})";
        UpdateStatus(_client.State, _lastDetail);
    }

    private void OnClientStateChanged(ConnectionState state, string? detail) => Post(() =>
    {
        _lastDetail = detail;
        UpdateStatus(state, detail);
        if (state == ConnectionState.Reconnecting && detail is not null && !detail.StartsWith("attempt", StringComparison.Ordinal))
        {
            _state.AddError($"connection lost: {detail}; reconnecting…");
        }
    });

    private void UpdateStatus(ConnectionState state, string? detail)
    {
        var where = $"{_settings.Host}:{_settings.Port}";
        _status.Text = state switch
        {
            ConnectionState.Connected => $"● Connected to {where} as {_client.Welcome?.User ?? _settings.User} · {_users.Count} online · /help · Esc quits",
            ConnectionState.Reconnecting => $"◌ Reconnecting… ({detail ?? "connection lost"})",
            ConnectionState.Connecting => $"◌ Connecting to {where}…",
            ConnectionState.Closed => "○ Closed",
            _ => $"○ Disconnected{(detail is null ? "" : ": " + detail)}",
        };
    }

    private bool IsAtBottom() => _messages.Viewport.Height <= 0 || _messages.Viewport.Y + _messages.Viewport.Height >= _lines.Count;

    private void FollowIfNeeded()
    {
        var height = _messages.Viewport.Height;
        if (!_follow || height <= 0)
        {
            return;
        }

        var top = Math.Max(0, _lines.Count - height);
        if (_messages.Viewport.Y != top)
        {
            _messages.Viewport = _messages.Viewport with { Y = top };
        }

        _follow = true;
    }

    private void OnMessageRowRender(object? sender, ListViewRowEventArgs e)
    {
        if (e.Row < 0 || e.Row >= _lines.Count)
        {
            return;
        }

        var background = _messages.GetAttributeForRole(VisualRole.Normal).Background;
        ColorName16? foreground = _lines[e.Row].Line.Kind switch
        {
            ChatLineKind.OwnMessage => ColorName16.BrightCyan,
            ChatLineKind.Error => ColorName16.BrightRed,
            ChatLineKind.Joined or ChatLineKind.Left or ChatLineKind.System => ColorName16.DarkGray,
            _ => null,
        };
        if (foreground is { } color)
        {
            e.RowAttribute = new Attribute(new Color(color), background);
        }
    }

    /// <summary>One screen row of the message list: a whole line or a wrapped part of one.</summary>
    private sealed record ChatRow(ChatLine Line, string Text)
    {
        public override string ToString() => Text;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
