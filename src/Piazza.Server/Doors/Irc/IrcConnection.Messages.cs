using System.Text;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// Piazza's message features from IRC clients: TAGMSG with <c>+draft/react</c>/<c>+draft/unreact</c> (reactions) and
/// <c>+typing</c>, REDACT (draft/message-redaction: deletion), and client <c>BATCH</c> of draft/multiline, which
/// becomes one Piazza message through the door's one send path.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>The draft/multiline batch the client has open; touched by the read loop only.</summary>
    private MultilineBatch? _batch;

    static partial void AddMessageCommands(Dictionary<string, IrcCommand> table)
    {
        table["TAGMSG"] = static (c, s, m) => c.TagMessageAsync(s, m);
        table["REDACT"] = static (c, s, m) => c.RedactAsync(s, m);
        table["BATCH"] = static (c, s, m) => c.BatchAsync(s, m);

        // A line tagged with an open batch's id belongs to the batch, not the channel.
        var privmsg = table["PRIVMSG"];
        var notice = table["NOTICE"];
        table["PRIVMSG"] = (c, s, m) => m.Tag("batch") is null ? privmsg(c, s, m) : c.AddToBatch(m);
        table["NOTICE"] = (c, s, m) => m.Tag("batch") is null ? notice(c, s, m) : c.AddToBatch(m);
    }

    /// <summary>TAGMSG: a reaction (needs <c>+draft/reply</c>, the message reacted to) and/or typing; other client tags are not relayed.</summary>
    private async ValueTask TagMessageAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } target)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "TAGMSG", "Not enough parameters");
            return;
        }

        var react = message.Tag("+draft/react");
        var unreact = message.Tag("+draft/unreact");
        if ((react ?? unreact) is { } emoji)
        {
            await ReactAsync(session, target, message.Tag("+draft/reply"), emoji, on: react is not null).ConfigureAwait(false);
        }

        // Only "active" means anything to Piazza: typing stops showing by itself (paused and done are dropped).
        if (message.Tag("+typing") == "active")
        {
            await TypingAsync(session, target).ConfigureAwait(false);
        }
    }

    private async ValueTask ReactAsync(ChatSession session, string target, string? messageId, string emoji, bool on)
    {
        if (string.IsNullOrEmpty(messageId))
        {
            SendFail("TAGMSG", "INVALID_REACTION", "A reaction needs +draft/reply=<msgid>: the message it is for", target);
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.React) is { } outOfScope)
        {
            ReportError("TAGMSG", target, outOfScope);
            return;
        }

        var reacted = await _hub.ReactAsync(session, messageId, emoji, on).ConfigureAwait(false);
        if (!reacted.Succeeded)
        {
            ReportError("TAGMSG", target, reacted.Error!);
        }
    }

    private async ValueTask TypingAsync(ChatSession session, string target)
    {
        if (ChatHub.CheckScope(session, FrameTypes.Typing) is { } outOfScope)
        {
            ReportError("TAGMSG", target, outOfScope);
            return;
        }

        var (room, to) = IrcNames.ConversationOf(target);
        var told = await _hub.TypingAsync(session, room, to).ConfigureAwait(false);
        if (!told.Succeeded)
        {
            ReportError("TAGMSG", target, told.Error!);
        }
    }

    /// <summary>REDACT target msgid [:reason]: deletes the message (Piazza keeps no reason, so it is not shown).</summary>
    private async ValueTask RedactAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } target || message.Param(1) is not { Length: > 0 } messageId)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "REDACT", "Not enough parameters");
            return;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Delete) is { } outOfScope)
        {
            ReportError("REDACT", target, outOfScope, messageId);
            return;
        }

        // A nick names no conversation the hub can check, so the id alone says which message (still one this user may read).
        var deleted = await _hub.DeleteMessageAsync(session, IrcNames.ConversationOf(target).Room, messageId).ConfigureAwait(false);
        if (!deleted.Succeeded)
        {
            ReportError("REDACT", target, deleted.Error!, messageId);
        }
    }

    /// <summary>BATCH +id draft/multiline target opens a multiline message; BATCH -id sends it.</summary>
    private async ValueTask BatchAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 1 } reference)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "BATCH", "Not enough parameters");
            return;
        }

        if (reference[0] == '+')
        {
            OpenBatch(reference[1..], message);
            return;
        }

        if (reference[0] != '-' || _batch is not { } batch || batch.Id != reference[1..])
        {
            SendFail("BATCH", "MULTILINE_INVALID", $"No multiline batch {reference[1..]} is open");
            return;
        }

        _batch = null;
        if (batch.Failed)
        {
            return; // said when it failed
        }

        if (batch.Lines == 0 || string.IsNullOrWhiteSpace(batch.Text.ToString()))
        {
            SendFail("BATCH", "MULTILINE_INVALID", "A multiline batch needs a line that is not blank");
            return;
        }

        var accepted = await SendTextAsync(session, batch.Target, batch.Text.ToString(), batch.ReplyTo).ConfigureAwait(false);
        if (!accepted.Succeeded)
        {
            ReportError("BATCH", batch.Target, accepted.Error!);
            return;
        }

        _ = AcknowledgeAsync("BATCH", batch.Target, accepted.Value!.Completion, notice: false);
    }

    private void OpenBatch(string id, IrcMessage message)
    {
        if (message.Param(1) != "draft/multiline")
        {
            SendFail("BATCH", "UNSUPPORTED_BATCH_TYPE", "Clients may open draft/multiline batches only", message.Param(1) ?? "*");
            return;
        }

        if (message.Param(2) is not { Length: > 0 } target)
        {
            SendNumeric(IrcNumerics.NeedMoreParams, "BATCH", "Not enough parameters");
            return;
        }

        if (!Caps.Has(IrcCap.Multiline))
        {
            SendFail("BATCH", "MULTILINE_INVALID", "Negotiate draft/multiline first (CAP REQ): it says the limits");
            return;
        }

        if (_batch is not null)
        {
            SendFail("BATCH", "MULTILINE_INVALID", $"Batch {_batch.Id} is still open: close it first");
            return;
        }

        _batch = new MultilineBatch(id, target, message.Tag("+draft/reply") is { Length: > 0 } reply ? reply : null);
    }

    /// <summary>A PRIVMSG of the open batch: its text joins the message (directly after the last with draft/multiline-concat).</summary>
    private ValueTask AddToBatch(IrcMessage message)
    {
        if (_batch is not { } batch || batch.Id != message.Tag("batch"))
        {
            SendFail("BATCH", "MULTILINE_INVALID", $"No multiline batch {message.Tag("batch")} is open");
            return ValueTask.CompletedTask;
        }

        if (batch.Failed)
        {
            return ValueTask.CompletedTask;
        }

        var target = message.Param(0);
        var concat = message.Tag("draft/multiline-concat") is not null;
        var raw = message.Param(1) ?? "";
        var bytes = Encoding.UTF8.GetByteCount(raw); // the limits count what the client sent, before formatting became Markdown
        if (message.Command != "PRIVMSG" || target is null)
        {
            Fail(batch, "MULTILINE_INVALID", "A multiline batch holds PRIVMSG lines only");
        }
        else if (!string.Equals(target, batch.Target, StringComparison.OrdinalIgnoreCase))
        {
            Fail(batch, "MULTILINE_INVALID_TARGET", "Every line of a multiline batch goes to the batch's target", batch.Target, target);
        }
        else if (concat && (batch.Lines == 0 || raw.Length == 0))
        {
            Fail(batch, "MULTILINE_INVALID", "draft/multiline-concat continues a line: never the first, never blank");
        }
        else if (batch.Lines + 1 > IrcCapabilities.MultilineMaxLines)
        {
            Fail(batch, "MULTILINE_MAX_LINES", $"A multiline batch holds at most {IrcCapabilities.MultilineMaxLines} lines", $"{IrcCapabilities.MultilineMaxLines}");
        }
        else if (batch.Bytes + (batch.Lines > 0 && !concat ? 1 : 0) + bytes > IrcCapabilities.MultilineMaxBytes)
        {
            Fail(batch, "MULTILINE_MAX_BYTES", $"A multiline batch holds at most {IrcCapabilities.MultilineMaxBytes} bytes", $"{IrcCapabilities.MultilineMaxBytes}");
        }
        else
        {
            if (batch.Lines > 0 && !concat)
            {
                batch.Text.Append('\n');
                batch.Bytes++;
            }

            batch.Text.Append(IrcFormatting.FromIrc(raw));
            batch.Bytes += bytes;
            batch.Lines++;
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Says once why the batch is refused; its remaining lines are dropped until it is closed.</summary>
    private void Fail(MultilineBatch batch, string code, string description, params string[] context)
    {
        batch.Failed = true;
        batch.Text.Clear();
        SendFail("BATCH", code, description, context);
    }

    /// <summary>A client's open draft/multiline batch: bounded by the advertised max-bytes and max-lines as it grows.</summary>
    private sealed class MultilineBatch(string id, string target, string? replyTo)
    {
        public string Id { get; } = id;

        public string Target { get; } = target;

        public string? ReplyTo { get; } = replyTo;

        public StringBuilder Text { get; } = new();

        public int Lines { get; set; }

        public int Bytes { get; set; }

        public bool Failed { get; set; }
    }
}
