using Piazza.Client;

namespace Piazza.Tui;

/// <summary>Who is away (shown in the users panel) and who is typing where (shown on the status line).</summary>
internal sealed partial class ChatState
{
    /// <summary>
    /// How long "bob is typing…" stays after bob's last notice: the server passes one every 3 s while he types, so
    /// twice that survives one lost or late notice and still clears soon after he stops.
    /// </summary>
    public static readonly TimeSpan TypingShownFor = TimeSpan.FromSeconds(6);

    private readonly Dictionary<string, string> _away = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(string Conversation, string User), DateTime> _typing = [];

    /// <summary>Someone's away status changed (the users panel redraws).</summary>
    public event Action? AwayChanged;

    /// <summary>Someone started or stopped typing (the status line redraws).</summary>
    public event Action? TypingChanged;

    /// <summary>Why <paramref name="user"/> is away, or null when they are not.</summary>
    public string? AwayOf(string user) => _away.GetValueOrDefault(user);

    /// <summary>Who is typing in <paramref name="conversation"/> now (not us), in the order they started.</summary>
    public IReadOnlyList<string> TypingIn(ConversationState conversation)
    {
        var now = _now();
        return [.. _typing.Where(t => t.Value > now && string.Equals(t.Key.Conversation, conversation.Id, StringComparison.OrdinalIgnoreCase)).Select(t => t.Key.User)];
    }

    /// <summary>"bob is typing…", "bob and carol are typing…", "several people are typing…", or null.</summary>
    public string? TypingText(ConversationState conversation) => TypingIn(conversation) switch
    {
        [] => null,
        [var one] => $"{one} is typing…",
        [var one, var two] => $"{one} and {two} are typing…",
        _ => "several people are typing…",
    };

    private void ApplyAway(UserAway away)
    {
        SetAway(away.User, away.Text);
        if (string.Equals(away.User, Self, StringComparison.OrdinalIgnoreCase))
        {
            AddSystem(away.Text is null ? "you are back" : $"you are away: {away.Text}");
        }

        AwayChanged?.Invoke();
    }

    /// <summary>The away texts a user list carries (welcome, entering a room).</summary>
    private void RememberAway(IEnumerable<Member> members)
    {
        foreach (var member in members)
        {
            SetAway(member.Name, member.Away);
            RememberBot(member.Name, member.Bot);
        }

        AwayChanged?.Invoke();
    }

    private void SetAway(string user, string? text)
    {
        if (text is null)
        {
            _away.Remove(user);
        }
        else
        {
            _away[user] = text;
        }
    }

    private void ApplyTyping(UserTyping typing)
    {
        if (Find(typing.Conversation) is not { } conversation || string.Equals(typing.User, Self, StringComparison.OrdinalIgnoreCase))
        {
            return; // a conversation we do not show (yet): its first message opens it
        }

        _typing.Remove((conversation.Id, typing.User)); // re-added last: the order is who started first
        _typing[(conversation.Id, typing.User)] = _now() + TypingShownFor;
        TypingChanged?.Invoke();
    }

    /// <summary>A message from someone who was typing there: they are done.</summary>
    private void StopTyping(ConversationState conversation, string from)
    {
        if (_typing.Remove((conversation.Id, from)))
        {
            TypingChanged?.Invoke();
        }
    }
}
