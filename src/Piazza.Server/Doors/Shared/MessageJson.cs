using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Shared;

/// <summary>
/// The one JSON shape of a message for every door: the protocol's <c>message</c> frame, sent live, inside
/// <c>history</c> frames, and as each item of the REST API's message lists.
/// </summary>
public static class MessageJson
{
    public static ServerFrame ToFrame(MessageEvent message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new()
        {
            Type = FrameTypes.Message,
            Id = message.Id,
            Seq = message.Seq,
            Room = message.Room,
            From = message.From,
            To = ToRecipients(message),
            Text = message.Text,
            Ts = WireTimestamp.Format(message.Timestamp),
            Deleted = message.DeletedBy is null ? null : true,
            Bot = message.Bot ? true : null,
            File = ToFileInfo(message.File),
            Mentions = MentionsField.Of(message.Mentions),
            EditedAt = message.EditedAt is { } edited ? WireTimestamp.Format(edited) : null,
            Reply = ToQuote(message.Reply),
            Reactions = message.Reactions is { Count: > 0 } reactions ? [.. reactions.Select(r => new ReactionInfo { Emoji = r.Emoji, Users = r.Users })] : null,
        };
    }

    /// <summary>A reply's quote: a deleted original keeps its id, seq and sender, never its text.</summary>
    private static ReplyQuoteInfo? ToQuote(Core.Replies.ReplyQuote? quote)
        => quote is null ? null
            : new ReplyQuoteInfo { Msg = quote.MessageId, Seq = quote.Seq, From = quote.From, Text = quote.Deleted ? null : quote.Text, Deleted = quote.Deleted ? true : null };

    /// <summary>A two-person message's recipient name; a group message's other participants (stored comma-separated) as a list.</summary>
    private static Recipients? ToRecipients(MessageEvent message)
        => message.To is not { } to ? null
            : DirectConversationId.IsGroup(message.Conversation) ? Recipients.Many(to.Split(',')) : Recipients.One(to);

    private static SharedFileInfo? ToFileInfo(FileAttachment? file)
        => file is null ? null : new SharedFileInfo { Id = file.Id, Name = file.Name, Size = file.Size, Mime = file.Mime, Sha256 = file.Sha256 };
}
