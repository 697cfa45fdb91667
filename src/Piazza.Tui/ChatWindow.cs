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
/// The main window: the room list (rooms and private conversations, with unread counts), the current
/// conversation's topic, messages and users, the input line and status. Client events arrive on other threads and
/// are marshalled onto the UI thread with <see cref="IApplication.Invoke(Action)"/>; the chat logic lives in
/// <see cref="ChatState"/>, <see cref="ConversationState"/> and <see cref="ChatCommand"/>.
/// </summary>
internal sealed partial class ChatWindow : Window
{
    private const int UserListWidth = 20;
    private const int RoomListWidth = 18;

    /// <summary>Messages asked for per scrollback step: a few screens, one round trip.</summary>
    private const int OlderPageSize = 50;

    /// <summary>How long an older-history request may take before scrolling up may ask again.</summary>
    private static readonly TimeSpan HistoryTimeout = TimeSpan.FromSeconds(10);

    private readonly IApplication _app;
    private readonly PiazzaClient _client;
    private readonly ConnectSettings _settings;
    private readonly ChatState _state = new();
    private readonly ObservableCollection<ChatRow> _lines = [];
    private readonly ObservableCollection<string> _users = [];
    private readonly ObservableCollection<string> _rooms = [];
    private readonly ListView _messages;
    private readonly FrameView _messagesFrame;
    private readonly ListView _userList;
    private readonly FrameView _usersFrame;
    private readonly ListView _roomList;
    private readonly FrameView _roomsFrame;
    private readonly Label _topic;
    private readonly TextField _input;
    private readonly Button _send;
    private readonly Label _status;
    private string? _lastDetail;
    private bool _follow = true;
    private bool _syncingRoomList;
    private bool _rebuilding;
    private int _wrapWidth;
    private volatile bool _stopped;

    public ChatWindow(IApplication app, PiazzaClient client, ConnectSettings settings)
    {
        _app = app;
        _client = client;
        _settings = settings;
        Title = $"Piazza · {settings.Host}:{settings.Port}";

        // Frames are tab groups by default (reached with F6); as tab stops, Tab alone cycles input, rooms and messages.
        _roomsFrame = new FrameView { Title = "Rooms", X = 0, Y = 0, Width = RoomListWidth, Height = Dim.Fill(2), TabStop = TabBehavior.TabStop };
        _roomList = new ListView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true, TabStop = TabBehavior.TabStop };
        _roomList.SetSource(_rooms);
        _roomList.ValueChanged += (_, _) => OnRoomSelected();
        _roomsFrame.Add(_roomList);

        _messagesFrame = new FrameView { Title = "#" + ProtocolConstants.Lobby, X = Pos.Right(_roomsFrame), Y = 0, Width = Dim.Fill(UserListWidth), Height = Dim.Fill(2), TabStop = TabBehavior.TabStop };
        _topic = new Label { X = 0, Y = 0, Width = Dim.Fill(), Height = 1 };
        var rule = new Line { X = 0, Y = 1, Width = Dim.Fill(), Orientation = Orientation.Horizontal };
        _messages = new ListView { X = 0, Y = 2, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true, TabStop = TabBehavior.TabStop };
        _messages.SetSource(_lines);
        _messages.RowRender += OnMessageRowRender;
        _messages.ViewportChanged += (_, _) => OnMessagesScrolled();
        _messages.FrameChanged += (_, _) => OnMessagesResized();
        _messagesFrame.Add(_topic, rule, _messages);

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
        _roomList.Accepting += (_, e) =>
        {
            e.Handled = true;
            OnRoomSelected();
            _input.SetFocus();
        };
        KeyDown += (_, key) =>
        {
            if (OnShortcut(key))
            {
                key.Handled = true;
            }
        };

        Add(_roomsFrame, _messagesFrame, _usersFrame, prompt, _input, _send, _status);
        _input.SetFocus();

        _state.LineAdded += OnLineAdded;
        _state.LinesReplaced += OnLinesReplaced;
        _state.UsersChanged += c =>
        {
            if (ReferenceEquals(c, _state.Current))
            {
                OnUsersChanged();
            }
        };
        _state.TopicChanged += c =>
        {
            if (ReferenceEquals(c, _state.Current))
            {
                ShowTopic();
            }
        };
        _state.ConversationsChanged += OnConversationsChanged;
        _state.CurrentChanged += OnCurrentChanged;
        _client.StateChanged += OnClientStateChanged;
        OnConversationsChanged();
        OnCurrentChanged();
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

    /// <summary>The topic line above the messages, for tests.</summary>
    internal string TopicText => _topic.Text ?? "";

    /// <summary>Ends when the client's event stream ends.</summary>
    internal Task Pumping { get; }

    /// <summary>Scrolls the message list as PgUp/PgDn would; scrolling up stops following new lines.</summary>
    internal void ScrollMessages(int rows) => _messages.ScrollVertical(rows);

    /// <summary>The first message row in view, for tests.</summary>
    internal int MessagesTop => _messages.Viewport.Y;

    /// <summary>Whether the room list has the keyboard focus, for tests.</summary>
    internal bool RoomListHasFocus => _roomList.HasFocus;

    /// <summary>Selects a room list entry as a click would, for tests.</summary>
    internal void SelectRoomListEntry(int index) => _roomList.SelectedItem = index;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopped = true;
            _client.StateChanged -= OnClientStateChanged;
            DisposeTransfers();
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
    /// <summary>
    /// Empties a list's source item by item: Terminal.Gui 2.5's ListWrapper mishandles the Reset that Clear raises
    /// (its mark array stops growing), and a later draw then throws ArgumentOutOfRangeException.
    /// </summary>
    private static void Empty<T>(ObservableCollection<T> items)
    {
        for (var i = items.Count - 1; i >= 0; i--)
        {
            items.RemoveAt(i);
        }
    }

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
        var conversation = _state.Current;
        switch (ChatCommand.Parse(text))
        {
            case ChatCommand.Send send:
                _ = RunAsync($"not sent: {Shorten(send.Text)}", () => conversation.IsPrivate
                    ? _client.SendToAsync(conversation.Peer ?? conversation.Id, send.Text)
                    : _client.SendAsync(send.Text, conversation.Id));
                break;
            case ChatCommand.Who:
                _ = WhoAsync(conversation);
                break;
            case ChatCommand.Help:
                _state.AddSystem(ChatCommand.HelpText);
                if (_state.CanModerate(conversation))
                {
                    _state.AddSystem(ChatCommand.ModerationHelpText);
                }

                _state.AddSystem("Keys: Enter sends; Ctrl+N/Ctrl+P or Alt+↓/Alt+↑ switch conversations; Tab moves between "
                    + "input, rooms and messages (PgUp/PgDn scroll; PgUp at the top loads older messages); Esc quits.");
                _state.AddSystem("Files: /upload PATH shares a file here (progress below; it resumes after a lost connection), "
                    + "/download ID [DEST] saves one (ID is on the file's line; DEST a file or folder, default the current folder), "
                    + "/cancel stops transfers. Guests cannot share files.");
                break;
            case ChatCommand.Quit:
                RequestStop();
                break;
            case ChatCommand.Join join:
                _ = RunAsync($"/join {join.Room} failed", async () =>
                {
                    var ok = await _client.JoinAsync(join.Room).ConfigureAwait(false);
                    Post(() => _state.SwitchTo(_state.Ensure(ok.Room ?? join.Room)));
                });
                break;
            case ChatCommand.Leave leave:
                Leave(leave.Room is null ? conversation : _state.Find(leave.Room), leave.Room);
                break;
            case ChatCommand.Rooms:
                _ = RunAsync("/rooms failed", async () =>
                {
                    var rooms = await _client.RoomsAsync().ConfigureAwait(false);
                    Post(() =>
                    {
                        _state.AddSystem($"rooms ({rooms.Count}):");
                        foreach (var room in rooms)
                        {
                            _state.AddSystem(ChatCommand.FormatRoom(room));
                        }
                    });
                });
                break;
            case ChatCommand.Topic topic when conversation.IsPrivate:
                _state.AddError("/topic works in rooms only");
                break;
            case ChatCommand.Topic topic:
                _ = RunAsync("/topic failed", () => _client.SetTopicAsync(conversation.Id, topic.Text));
                break;
            case ChatCommand.Msg msg:
                _ = RunAsync($"/msg {msg.User} failed", async () =>
                {
                    var ok = await _client.SendToAsync(msg.User, msg.Text).ConfigureAwait(false);
                    if (ok.Room is { } id)
                    {
                        Post(() => _state.SwitchTo(_state.Ensure(id, msg.User)));
                    }
                });
                break;
            case ChatCommand.Open open:
                if (_state.FindPrivate(open.User) is { } existing)
                {
                    _state.SwitchTo(existing);
                }
                else
                {
                    _state.AddError($"no conversation with {open.User} yet: /msg {open.User} TEXT starts one");
                }

                break;
            case ChatCommand.Password password:
                _ = RunAsync("/password failed", async () =>
                {
                    await _client.ChangePasswordAsync(password.Current, password.Next).ConfigureAwait(false);
                    Post(() => _state.AddSystem("password changed; other sessions must log in again"));
                });
                break;
            case ChatCommand.Upload upload:
                Upload(conversation, upload.Path);
                break;
            case ChatCommand.Download download:
                Download(download.FileId, download.Destination);
                break;
            case ChatCommand.Cancel:
                CancelTransfers();
                break;
            case ChatCommand.Moderate moderate when conversation.IsPrivate && !moderate.ServerWide:
                _state.AddError($"/{moderate.Type} works in rooms only");
                break;
            case ChatCommand.Moderate moderate:
                _ = RunAsync($"/{moderate.Type} {moderate.Target} failed", async () =>
                {
                    await _client.RequestAsync(moderate.ToFrame(conversation.Id)).ConfigureAwait(false);
                    Post(() => _state.AddSystem($"{moderate.Type} {moderate.Target}: done"));
                });
                break;
            case ChatCommand.Lock lockTopic when conversation.IsPrivate:
                _state.AddError("/lock works in rooms only");
                break;
            case ChatCommand.Lock lockTopic:
                _ = RunAsync(lockTopic.Locked ? "/lock failed" : "/unlock failed", () => _client.RequestAsync(
                    new ClientFrame { Type = FrameTypes.Topic, Room = conversation.Id, Lock = lockTopic.Locked }));
                break;
            case ChatCommand.Delete delete:
                var target = conversation.LatestMessageFrom(delete.User ?? _state.Self);
                if (target?.MessageId is not { } messageId)
                {
                    _state.AddError(delete.User is null ? "no message of yours to delete here" : $"no message from {delete.User} to delete here");
                    break;
                }

                _ = RunAsync("/delete failed", () => _client.RequestAsync(new ClientFrame { Type = FrameTypes.Delete, Room = conversation.Id, Msg = messageId }));
                break;
            case ChatCommand.Usage usage:
                _state.AddError($"usage: {usage.Syntax}");
                break;
            case ChatCommand.Unknown unknown:
                _state.AddError($"unknown command {unknown.Name}; /help lists commands");
                break;
        }
    }

    private void Leave(ConversationState? conversation, string? named)
    {
        if (conversation is { IsPrivate: true })
        {
            // Private conversations have no membership: closing one only removes it from the list.
            _state.Remove(conversation.Id);
            return;
        }

        var room = conversation?.Id ?? named!;
        _ = RunAsync($"/leave {room} failed", async () =>
        {
            await _client.LeaveAsync(room).ConfigureAwait(false);
            Post(() => _state.Remove(room));
        });
    }

    /// <summary>Runs a request in the background; a failure becomes an error line in the current conversation.</summary>
    private async Task RunAsync(string failure, Func<Task> request)
    {
        try
        {
            await request().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            Post(() => _state.AddError($"{failure} ({ex.Message})"));
        }
    }

    private async Task WhoAsync(ConversationState conversation)
    {
        if (conversation.IsPrivate)
        {
            _state.AddSystem(ChatCommand.FormatUsers([_state.Self, conversation.Peer ?? "?"]));
            return;
        }

        try
        {
            var users = await _client.WhoAsync(conversation.Id).ConfigureAwait(false);
            Post(() =>
            {
                _state.SetUsers(conversation, users.Select(u => u.User));
                _state.AddSystem(ChatCommand.FormatUsers(users.Select(u => u.User)));
            });
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            Post(() => _state.AddError($"/who failed: {ex.Message}"));
        }
    }

    /// <summary>Window-wide keys: switching conversations, loading older messages.</summary>
    private bool OnShortcut(Key key)
    {
        if (key == Key.N.WithCtrl || key == Key.CursorDown.WithAlt)
        {
            _state.SwitchBy(1);
            return true;
        }

        if (key == Key.P.WithCtrl || key == Key.CursorUp.WithAlt)
        {
            _state.SwitchBy(-1);
            return true;
        }

        if (key == Key.PageUp && _messages.Viewport.Y == 0)
        {
            LoadOlder();
            return false;
        }

        return false;
    }

    private void OnRoomSelected()
    {
        if (_syncingRoomList || _roomList.SelectedItem is not { } index || index < 0 || index >= _state.Conversations.Count)
        {
            return;
        }

        _state.SwitchTo(_state.Conversations[index]);
    }

    private void OnConversationsChanged()
    {
        _syncingRoomList = true;
        try
        {
            var labels = _state.Conversations.Select(c => (ReferenceEquals(c, _state.Current) ? "▸" : " ") + c.ListLabel).ToList();
            if (!labels.SequenceEqual(_rooms))
            {
                Empty(_rooms);
                foreach (var label in labels)
                {
                    _rooms.Add(label);
                }
            }

            _roomList.SelectedItem = _state.Conversations.ToList().IndexOf(_state.Current);
            var unread = _state.Conversations.Sum(c => c.Unread);
            _roomsFrame.Title = unread > 0 ? $"Rooms ({unread})" : "Rooms";
        }
        finally
        {
            _syncingRoomList = false;
        }
    }

    private void OnCurrentChanged()
    {
        var conversation = _state.Current;
        _messagesFrame.Title = conversation.IsPrivate ? conversation.DisplayName : "#" + conversation.Id;
        ShowTopic();
        OnUsersChanged();
        OnConversationsChanged();
        _follow = true;
        RebuildRows();
    }

    private void ShowTopic()
    {
        var conversation = _state.Current;
        _topic.Text = conversation.IsPrivate
            ? $"Private conversation with {conversation.Peer}"
            : string.IsNullOrEmpty(conversation.Topic) ? "Topic: (none; the owner sets it with /topic TEXT)" : $"Topic: {conversation.Topic}";
    }

    /// <summary>Asks for the 50 messages before the oldest one shown, if there are any and no request is on its way.</summary>
    private void LoadOlder()
    {
        var conversation = _state.Current;
        if (!conversation.HasOlder || conversation.LoadingOlder || conversation.OldestSeq is not { } oldest)
        {
            return;
        }

        conversation.LoadingOlder = true;
        _ = LoadOlderAsync(conversation, oldest);
    }

    private async Task LoadOlderAsync(ConversationState conversation, long before)
    {
        try
        {
            using var timeout = new CancellationTokenSource(HistoryTimeout);
            var messages = await _client.HistoryAsync(conversation.Id, before: before, limit: OlderPageSize, cancellationToken: timeout.Token).ConfigureAwait(false);
            Post(() => _state.AddHistory(conversation.Id, messages));
        }
        catch (OperationCanceledException)
        {
            // No answer in time: allow asking again.
            Post(() => conversation.LoadingOlder = false);
        }
        catch (Exception ex) when (ex is PiazzaException or IOException or ObjectDisposedException)
        {
            Post(() =>
            {
                conversation.LoadingOlder = false;
                _state.AddError($"older messages not loaded: {ex.Message}");
            });
        }
    }

    private void OnLineAdded(ConversationState conversation, ChatLine line, bool history)
    {
        if (!ReferenceEquals(conversation, _state.Current))
        {
            return;
        }

        var follow = _follow || IsAtBottom();
        AddRows(line);

        // Rows of lines the conversation dropped (beyond its limit) are at the front.
        var first = conversation.Lines.Count > 0 ? conversation.Lines[0] : null;
        while (_lines.Count > 0 && !ReferenceEquals(_lines[0].Line, first))
        {
            _lines.RemoveAt(0);
        }

        _follow = follow;
        FollowIfNeeded();
    }

    /// <summary>Older lines were inserted: rebuild, keeping the line at the top of the view where it was.</summary>
    private void OnLinesReplaced(ConversationState conversation)
    {
        if (!ReferenceEquals(conversation, _state.Current))
        {
            return;
        }

        var top = _messages.Viewport.Y;
        var anchor = top < _lines.Count ? _lines[top].Line : null;
        var offset = 0;
        while (anchor is not null && top - offset - 1 >= 0 && ReferenceEquals(_lines[top - offset - 1].Line, anchor))
        {
            offset++;
        }

        var follow = _follow;
        RebuildRows();
        if (!follow && anchor is not null)
        {
            var index = _lines.IndexOf(_lines.FirstOrDefault(r => ReferenceEquals(r.Line, anchor))!);
            if (index >= 0)
            {
                _rebuilding = true;
                _messages.Viewport = _messages.Viewport with { Y = index + offset };
                _rebuilding = false;
                _follow = false;
            }
        }
    }

    private void RebuildRows()
    {
        _rebuilding = true;
        try
        {
            Empty(_lines);
            foreach (var line in _state.Current.Lines)
            {
                AddRows(line);
            }

            FollowIfNeeded();
        }
        finally
        {
            _rebuilding = false;
        }
    }

    private void OnMessagesScrolled()
    {
        if (_rebuilding)
        {
            return;
        }

        _follow = IsAtBottom();
        if (_messages.Viewport.Y == 0 && _lines.Count > _messages.Viewport.Height && _messages.Viewport.Height > 0)
        {
            LoadOlder();
        }
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
            RebuildRows();
            _follow = follow;
        }

        FollowIfNeeded();
    }

    private void OnUsersChanged()
    {
        Empty(_users);
        var users = _state.Current.IsPrivate ? [_state.Self, _state.Current.Peer ?? "?"] : _state.Current.Users.ToList();
        foreach (var user in users)
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
        var transfers = TransferStatus();
        _status.Text = transfers.Length > 0 ? transfers : state switch
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
