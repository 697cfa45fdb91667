using System.Globalization;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>
/// The chat as the user sees it, without any view: message lines and the user list, updated from server frames.
/// Not thread-safe; the UI touches it only on its own thread.
/// </summary>
internal sealed class ChatState
{
    /// <summary>Lines kept in memory; older ones are dropped so a long session stays small.</summary>
    public const int DefaultMaxLines = 5000;

    private readonly List<ChatLine> _lines = [];
    private readonly SortedSet<string> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _maxLines;
    private readonly Func<DateTime> _now;
    private bool _welcomed;

    public ChatState(int maxLines = DefaultMaxLines, Func<DateTime>? now = null)
    {
        _maxLines = maxLines;
        _now = now ?? (() => DateTime.Now);
    }

    /// <summary>Our own name as the server confirmed it in welcome; empty before.</summary>
    public string Self { get; private set; } = "";

    public IReadOnlyList<ChatLine> Lines => _lines;

    /// <summary>Users present, sorted case-insensitively.</summary>
    public IReadOnlyCollection<string> Users => _users;

    /// <summary>Raised for every line added; <c>removedOldest</c> tells views to drop their first row too.</summary>
    public event Action<ChatLine, bool>? LineAdded;

    /// <summary>Raised when the user list changes.</summary>
    public event Action? UsersChanged;

    /// <summary>Applies a pushed frame (welcome, message, joined, left, shutdown, error); unknown frames are ignored.</summary>
    public void Apply(ServerFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        switch (frame.Type)
        {
            case FrameTypes.Welcome:
                Self = frame.User ?? Self;
                _users.Clear();
                foreach (var user in frame.Users ?? [])
                {
                    _users.Add(user.User);
                }

                _users.Add(Self);
                UsersChanged?.Invoke();
                var verb = _welcomed ? "reconnected" : "connected";
                _welcomed = true;
                AddLine(new ChatLine(_now(), ChatLineKind.System, null, $"{verb} as {Self} · {_users.Count} online · /help for commands"));
                if (verb == "connected" && !string.IsNullOrWhiteSpace(frame.Motd))
                {
                    AddLine(new ChatLine(_now(), ChatLineKind.System, null, frame.Motd));
                }

                break;
            case FrameTypes.Message:
                var own = string.Equals(frame.From, Self, StringComparison.OrdinalIgnoreCase);
                AddLine(new ChatLine(TimeOf(frame), own ? ChatLineKind.OwnMessage : ChatLineKind.Message, frame.From, frame.Text ?? ""));
                break;
            case FrameTypes.Joined when frame.User is { } joined:
                if (_users.Add(joined))
                {
                    UsersChanged?.Invoke();
                }

                AddLine(new ChatLine(TimeOf(frame), ChatLineKind.Joined, joined, $"{joined} joined"));
                break;
            case FrameTypes.Left when frame.User is { } left:
                if (_users.Remove(left))
                {
                    UsersChanged?.Invoke();
                }

                var reason = string.IsNullOrEmpty(frame.Reason) ? "" : $" ({frame.Reason})";
                AddLine(new ChatLine(TimeOf(frame), ChatLineKind.Left, left, $"{left} left{reason}"));
                break;
            case FrameTypes.Shutdown:
                AddLine(new ChatLine(_now(), ChatLineKind.System, null, frame.Message is { Length: > 0 } m ? "server: " + m : "the server is shutting down"));
                break;
            case FrameTypes.Error:
                AddError(frame.Message ?? frame.Code ?? "error");
                break;
        }
    }

    /// <summary>Adds a local notice (help text, who list, connection state).</summary>
    public ChatLine AddSystem(string text) => AddLine(new ChatLine(_now(), ChatLineKind.System, null, text));

    /// <summary>Adds a local error (a send that failed, an unknown command).</summary>
    public ChatLine AddError(string text) => AddLine(new ChatLine(_now(), ChatLineKind.Error, null, text));

    /// <summary>Replaces the user list with an authoritative one (from <c>who</c>).</summary>
    public void SetUsers(IEnumerable<string> users)
    {
        _users.Clear();
        _users.UnionWith(users);
        UsersChanged?.Invoke();
    }

    private ChatLine AddLine(ChatLine line)
    {
        _lines.Add(line);
        var trimmed = _lines.Count > _maxLines;
        if (trimmed)
        {
            _lines.RemoveAt(0);
        }

        LineAdded?.Invoke(line, trimmed);
        return line;
    }

    /// <summary>The server's timestamp in local time, or now when it sent none.</summary>
    private DateTime TimeOf(ServerFrame frame)
        => DateTimeOffset.TryParse(frame.Ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts)
            ? ts.LocalDateTime
            : _now();
}
