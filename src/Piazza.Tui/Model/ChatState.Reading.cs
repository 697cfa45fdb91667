using Piazza.Client;

namespace Piazza.Tui;

/// <summary>
/// Read state and mentions (issue 14): the server's counts per conversation (the welcome, a join), reads made on the
/// account's other devices, the counts kept as messages arrive, and the reads this client owes the server once the
/// window has shown the messages (the conversation open and its list following at the bottom, or scrolled to them).
/// </summary>
internal sealed partial class ChatState
{
    /// <summary>Whether the current conversation's list shows its newest line (the window says; true until it does).</summary>
    public bool Following { get; set; } = true;

    /// <summary>A live message that deserves the user's attention: it mentions them, or it is private (the bell).</summary>
    public event Action<ConversationState, ChatLine>? Alerted;

    /// <summary>This client moved a conversation's read position: the server must be told (<c>read</c>).</summary>
    public event Action<ConversationState>? ReadOwed;

    /// <summary>The entry of a message's mentions that names everyone in the room.</summary>
    private const string Everyone = "@room";

    /// <summary>
    /// Whether a message's mentions (identity keys, or <c>@room</c>) name us: an account's key is its lower-case
    /// name, a guest's <c>~name~random</c>.
    /// </summary>
    public bool IsMentionOfSelf(IEnumerable<string>? keys)
    {
        if (keys is null || Self.Length == 0)
        {
            return false;
        }

        var self = Self.ToLowerInvariant();
        return keys.Any(k => k == Everyone || (IsGuest ? k.StartsWith('~') && NameOfKey(k) == self : k == self));
    }

    /// <summary>Whether we are a guest (from the welcome): a guest's key is not its name.</summary>
    public bool IsGuest { get; private set; }

    /// <summary>
    /// The server's counts for a conversation (the welcome's, or a join's room state): its read position, unread and
    /// mention counts, and the newest seq they hold (the replayed history up to it is in them already).
    /// </summary>
    public void ApplyCounts(ConversationReadState? counts)
    {
        if (counts is null)
        {
            return;
        }

        var (id, seq, read, unread, mentions) = counts;
        var conversation = Ensure(id);

        // A read of ours not yet stored when the server wrote these counts keeps its own.
        if (read < conversation.ReadSeq)
        {
            return;
        }

        conversation.ReadSeq = read;
        conversation.Unread = (int)Math.Clamp(unread, 0, int.MaxValue);
        conversation.Mentions = (int)Math.Clamp(mentions, 0, int.MaxValue);
        conversation.ServerSeq = Math.Max(conversation.ServerSeq, seq);
        conversation.CountedTo = Math.Max(conversation.CountedTo, seq);

        ConversationsChanged?.Invoke();
    }

    /// <summary>The account read <paramref name="id"/> up to <paramref name="seq"/> on another device: the counts drop.</summary>
    public void ApplyRead(string id, long seq)
    {
        if (Find(id) is { } conversation && Advance(conversation, seq))
        {
            ConversationsChanged?.Invoke();
        }
    }

    /// <summary>
    /// The window shows <paramref name="conversation"/> down to message <paramref name="seq"/>: the read position
    /// moves on (never back) and the server is owed a <c>read</c>.
    /// </summary>
    public void Seen(ConversationState conversation, long seq)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (!ReferenceEquals(conversation, Current) || !Advance(conversation, Math.Min(seq, conversation.NewestSeq ?? 0)))
        {
            return;
        }

        ConversationsChanged?.Invoke();
        ReadOwed?.Invoke(conversation);
    }

    /// <summary>A message just added: counted unless the counts hold it already, it is ours or read, or it is seen now.</summary>
    private void CountNews(ConversationState conversation, ChatLine line, bool own, bool history)
    {
        if (line.Seq is not { } seq || seq <= conversation.CountedTo)
        {
            return;
        }

        conversation.CountedTo = seq;

        // Replayed messages (a login, a join, a resume) are in the server's counts; only live ones are news here.
        if (own || history || seq <= conversation.ReadSeq)
        {
            return;
        }

        if (line.MentionsMe || conversation.IsPrivate)
        {
            Alerted?.Invoke(conversation, line);
        }

        if (ReferenceEquals(conversation, Current) && Following)
        {
            Seen(conversation, seq);
            return;
        }

        conversation.Unread++;
        if (line.MentionsMe)
        {
            conversation.Mentions++;
        }

        ConversationsChanged?.Invoke();
    }

    /// <summary>Moves the read position to <paramref name="seq"/>; the counts drop by the held messages in between.</summary>
    private bool Advance(ConversationState conversation, long seq)
    {
        if (seq <= conversation.ReadSeq)
        {
            return false;
        }

        var others = 0;
        var mentioned = 0;
        foreach (var line in conversation.Lines)
        {
            if (line.Seq is { } s && s > conversation.ReadSeq && s <= seq && line.Kind == ChatLineKind.Message)
            {
                others++;
                mentioned += line.MentionsMe ? 1 : 0;
            }
        }

        // What can be left after seq: no more than the messages after it, however many were not held here.
        var after = Math.Max(0, Math.Max(conversation.NewestSeq ?? 0, conversation.ServerSeq) - seq);
        conversation.Unread = (int)Math.Max(0, Math.Min(conversation.Unread - others, after));
        conversation.Mentions = Math.Max(0, Math.Min(conversation.Mentions - mentioned, conversation.Unread));
        conversation.ReadSeq = seq;
        return true;
    }
}
