using System.Collections.ObjectModel;
using Piazza.Client;
using Piazza.Protocol;
using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>
/// The main window: the room list (rooms and private conversations, with unread counts), the current conversation's
/// topic, messages and users, the input line and status. It only lays out and binds: the chat is
/// <see cref="ChatState"/> (fed by the client's events, marshalled onto the UI thread with
/// <see cref="IApplication.Invoke(Action)"/>), and typed lines run through the shared <see cref="ChatController"/>.
/// </summary>
internal sealed partial class ChatWindow : Window, IChatHost
{
    private static readonly string[] WindowHelp =
    [
        "Keys: Enter sends; ↑/↓ recall sent lines; Ctrl+N/Ctrl+P or Alt+↓/Alt+↑ switch conversations; Ctrl+K jumps to "
            + "one by name; PgUp/PgDn or the mouse wheel scroll the messages (at the top older ones load), Ctrl+End "
            + "returns to the newest; Tab completes a name or moves between input, rooms and messages, Esc back to the "
            + "input; Ctrl+U clears the line; F2 shows or "
            + "hides the users, F3 the rooms; Ctrl+Q (or /quit) quits.",
        "Files: /upload PATH shares a file here (progress below; it resumes after a lost connection), "
            + "/download ID [DEST] saves one (ID is on the file's line; DEST a file or folder, default the current folder), "
            + "/cancel stops transfers. Guests cannot share files.",
    ];

    private readonly IApplication _app;
    private readonly PiazzaClient _client;
    private readonly ConnectSettings _settings;
    private readonly ChatState _state = new();
    private readonly ChatController _controller;
    private readonly ObservableCollection<string> _users = [];
    private readonly ObservableCollection<string> _rooms = [];
    private readonly ListView _userList;
    private readonly FrameView _usersFrame;
    private readonly RoomListView _roomList;
    private readonly FrameView _roomsFrame;
    private readonly Label _topic;
    private readonly TextField _input;
    private readonly Button _send;
    private readonly Label _status;
    private readonly System.Threading.ITimer _countdown;
    private bool _syncingRoomList;
    private volatile bool _stopped;

    public ChatWindow(IApplication app, PiazzaClient client, ConnectSettings settings)
    {
        _app = app;
        _client = client;
        _settings = settings;
        _controller = new ChatController(client, _state, this);
        _state.ShowsPendingSends = true;
        Title = $"Piazza · {settings.ServerList}";

        // Frames are tab groups by default (reached with F6); as tab stops, Tab alone cycles input, rooms and messages.
        // Side panels take the width they need, narrower or folded on small terminals (ChatWindow.Layout.cs).
        _roomsFrame = new FrameView { Title = "Rooms", X = 0, Y = 0, Width = Dim.Func(_ => RoomsPanelWidth()), Height = Dim.Fill(2), TabStop = TabBehavior.TabStop };
        _roomList = new RoomListView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = true, TabStop = TabBehavior.TabStop };
        _roomList.SetSource(_rooms);
        _roomList.ValueChanged += (_, _) => OnRoomSelected();
        _roomsFrame.Add(_roomList);

        _messagesFrame = new FrameView { Title = "#" + ProtocolConstants.Lobby, X = Pos.Func(_ => RoomsPanelWidth()), Y = 0, Width = Dim.Fill(Dim.Func(_ => UsersPanelWidth())), Height = Dim.Fill(2), TabStop = TabBehavior.TabStop };
        _topic = new Label { X = 0, Y = 0, Width = Dim.Fill(), Height = 1 };
        var rule = new Line { X = 0, Y = 1, Width = Dim.Fill(), Orientation = Orientation.Horizontal };
        _messages = new MessageListView { X = 0, Y = 2, Width = Dim.Fill(), Height = Dim.Fill() };
        _messages.ReachedTop += () => _controller.LoadOlder(_state.Current);
        _messages.IsMention = Mentions;
        _messagesFrame.Add(_topic, rule, _messages);

        _usersFrame = new FrameView { Title = "Users", X = Pos.Func(_ => Viewport.Width - UsersPanelWidth()), Y = 0, Width = Dim.Func(_ => UsersPanelWidth()), Height = Dim.Fill(2) };
        _userList = new ListView { X = 0, Y = 0, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = false };
        _userList.SetSource(_users);
        _usersFrame.Add(_userList);

        // The button is for the mouse: Tab goes from the input straight to the rooms.
        _send = new Button { Text = "Send", X = Pos.AnchorEnd(), Y = Pos.AnchorEnd(2), TabStop = TabBehavior.NoStop };
        var prompt = new Label { Text = "›", X = 0, Y = Pos.AnchorEnd(2) };
        _input = new TextField { X = 2, Y = Pos.AnchorEnd(2), Width = Dim.Fill(_send) };
        _status = new Label { X = 0, Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Height = 1 };

        // Enter in the input and the Send button both submit; Handled stops Enter from closing the window.
        _input.Accepting += (_, e) =>
        {
            e.Handled = true;
            _history.Add(_input.Text ?? "");
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
            FocusInput();
        };
        KeyDown += (_, key) =>
        {
            if (OnShortcut(key))
            {
                key.Handled = true;
            }
        };

        Add(_roomsFrame, _messagesFrame, _usersFrame, prompt, _input, _send, _status, _jump, _quitConfirm);
        BindKeysAndPanels();
        _input.SetFocus();
        Bind();
        IsRunningChanged += (_, e) =>
        {
            if (!e.Value)
            {
                _stopped = true;
            }
        };
        Pumping = PumpEventsAsync();

        // The reconnect countdown ticks on the client's clock (a fake one in tests).
        _countdown = client.Options.TimeProvider.CreateTimer(_ => OnCountdownTick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>Why the connection ended for good (kicked, name refused on reconnect); null when the user quit.</summary>
    public string? LostReason { get; private set; }

    /// <summary>What the login dialog says when the connection ended for good: who removed us and why, or why it was lost.</summary>
    public string? LostNotice => LostReason is null ? null
        : _state.RemovedFromServer is { Length: > 0 } removed ? $"{char.ToUpperInvariant(removed[0])}{removed[1..]}. Press Enter to log in again."
        : $"Connection lost: {LostReason}. Press Enter to reconnect.";

    /// <summary>The status line, for tests.</summary>
    internal string StatusText => _status.Text ?? "";

    bool IChatHost.ShowsPrivateConversations => true;

    IReadOnlyList<string> IChatHost.ExtraHelp => WindowHelp;

    /// <summary>The chat state shown, for tests.</summary>
    internal ChatState State => _state;

    /// <summary>What is typed in the input line, for tests.</summary>
    internal string InputText => _input.Text ?? "";

    /// <summary>The topic line above the messages, for tests.</summary>
    internal string TopicText => _topic.Text ?? "";

    /// <summary>The transfers running, for tests.</summary>
    internal int TransferCount => _controller.Transfers.Count;

    /// <summary>Ends when the client's event stream ends.</summary>
    internal Task Pumping { get; }

    /// <summary>Whether the room list has the keyboard focus, for tests.</summary>
    internal bool RoomListHasFocus => _roomList.HasFocus;

    /// <summary>Selects a room list entry as a click would, for tests.</summary>
    internal void SelectRoomListEntry(int index) => _roomList.SelectedItem = index;

    void IChatHost.Post(Action change)
    {
        if (_stopped)
        {
            return;
        }

        _app.Invoke(() =>
        {
            if (!_stopped)
            {
                change();
            }
        });
    }

    /// <summary>Commands start on the UI thread, which owns the state: reading it there is safe.</summary>
    T IChatHost.Read<T>(Func<T> read) => read();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopped = true;
            _countdown.Dispose();
            _controller.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Views follow the state: each change event redraws the part it concerns.</summary>
    private void Bind()
    {
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
        _state.ConnectionChanged += UpdateStatus;
        _state.AwayChanged += OnUsersChanged;
        _state.TypingChanged += UpdateStatus;
        BindStatus();
        BindReading();
        _controller.Transfers.Changed += UpdateStatus;
        OnConversationsChanged();
        OnCurrentChanged();
    }

    private async Task PumpEventsAsync()
    {
        await foreach (var e in _client.Events.ReadAllAsync().ConfigureAwait(false))
        {
            ((IChatHost)this).Post(() => _state.Apply(e));
        }

        // The stream ends when the client is closed (we quit) or gives up reconnecting (kicked, name refused).
        ((IChatHost)this).Post(() =>
        {
            if (_client.State != ConnectionState.Closed)
            {
                LostReason = _state.ConnectionDetail ?? "the connection ended";
                RequestStop();
            }
        });
    }

    private void Submit()
    {
        var text = _input.Text ?? "";
        _input.Text = "";

        // While waiting to reconnect, Enter tries at once; a typed line is also sent (it waits, shown as pending).
        if (_state.Connection == ConnectionState.Reconnecting && _client.ReconnectNow())
        {
            UpdateStatus();
        }

        var running = _controller.RunAsync(text);
        if (running.IsCompletedSuccessfully && running.Result.Quit)
        {
            RequestStop();
        }
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
            var labels = _state.Conversations.Select(c => (ReferenceEquals(c, _state.Current) ? "▸" : " ") + PrintableText.Escape(c.ListLabel)).ToList();
            if (!labels.SequenceEqual(_rooms))
            {
                Empty(_rooms);
                foreach (var label in labels)
                {
                    _rooms.Add(label);
                }
            }

            if (_state.Conversations.ToList().IndexOf(_state.Current) is var index and >= 0)
            {
                _roomList.SelectedItem = index;
            }
            SetNeedsLayout(); // the rooms panel fits its longest label
            var unread = _state.Conversations.Sum(c => c.Unread);
            var mentions = _state.Conversations.Sum(c => c.Mentions);
            SetFrameTitle(_roomsFrame, (unread > 0 ? $"Rooms ({unread})" : "Rooms") + (mentions > 0 ? $" @{mentions}" : ""));
            if (_state.Current.IsPrivate)
            {
                ShowTopic(); // a private conversation's names came with a message (a group's as the server spells them)
            }
        }
        finally
        {
            _syncingRoomList = false;
        }
    }

    private void OnCurrentChanged()
    {
        var conversation = _state.Current;
        SetFrameTitle(_messagesFrame, PrintableText.Escape(conversation.IsPrivate ? conversation.DisplayName : "#" + conversation.Id));
        ShowTopic();
        OnUsersChanged();
        OnConversationsChanged();
        ShowCurrentLines();
    }

    private void ShowTopic()
    {
        var conversation = _state.Current;
        _topic.Text = PrintableText.Escape(conversation.IsPrivate
            ? $"Private conversation with {conversation.Peer}"
            : string.IsNullOrEmpty(conversation.Topic) ? "Topic: (none; the owner sets it with /topic TEXT)" : $"Topic: {conversation.Topic}");
    }

    private void OnUsersChanged()
    {
        Empty(_users);
        var users = _state.Current.IsPrivate ? [.. _state.Current.PrivateUsers(_state.Self)] : _state.Current.Users.ToList();
        foreach (var user in users)
        {
            var away = (_state.IsBot(user) ? " " + ChatLine.BotTag : "") + (_state.AwayOf(user) is null ? "" : " (away)");
            _users.Add(PrintableText.Escape((string.Equals(user, _state.Self, StringComparison.OrdinalIgnoreCase) ? user + " (you)" : user) + away));
        }

        // A busy room lists its first page (and who came since); the title says how many are there in all (/who lists them).
        var count = _state.Current.IsPrivate ? _users.Count : _state.Current.UserCount;
        _usersFrame.Title = count > _users.Count ? $"Users ({_users.Count} of {count})" : $"Users ({count})";
        SetNeedsLayout(); // the users panel fits its longest name
        UpdateStatus();
    }

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
}
