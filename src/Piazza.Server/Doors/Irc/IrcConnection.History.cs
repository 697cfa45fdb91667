using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// draft/chathistory (ircv3.net): <c>CHATHISTORY LATEST/BEFORE/AFTER/AROUND/BETWEEN/TARGETS</c> backed by Piazza's
/// history, so IRC shows the same messages as every other door (msgid = Piazza message id). An answer is queued as a
/// <see cref="HistoryEvent"/> once the outbox has room (as the JSON-lines door queues history), and written as a
/// <c>chathistory</c> batch of the same PRIVMSG lines a live message has.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>The most messages one CHATHISTORY answers (a bigger limit is cut to it); ISUPPORT says CHATHISTORY=100.</summary>
    public const int MaxChatHistory = 100;

    /// <summary>Answers asked for and not yet written: the request id → how the batch is labelled.</summary>
    private readonly ConcurrentDictionary<string, PendingHistory> _pendingHistory = new(StringComparer.Ordinal);

    private long _historyRequests;

    static partial void AddHistoryCommands(Dictionary<string, IrcCommand> table)
    {
        table["CHATHISTORY"] = static (c, s, m) => c.ChatHistoryAsync(s, m);
        table["MARKREAD"] = static (c, s, m) => c.MarkReadAsync(s, m);
    }

    private async ValueTask ChatHistoryAsync(ChatSession session, IrcMessage message)
    {
        var subcommand = message.Param(0)?.ToUpperInvariant();
        if (subcommand is null || message.Parameters.Count < (subcommand is "BETWEEN" ? 5 : 4))
        {
            SendFail("CHATHISTORY", "NEED_MORE_PARAMS", "Missing parameters", subcommand ?? "*");
            return;
        }

        if (subcommand is not ("LATEST" or "BEFORE" or "AFTER" or "AROUND" or "BETWEEN" or "TARGETS"))
        {
            SendFail("CHATHISTORY", "INVALID_PARAMS", "Unknown subcommand", subcommand);
            return;
        }

        if (!int.TryParse(message.Param(message.Parameters.Count - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit < 1)
        {
            SendFail("CHATHISTORY", "INVALID_PARAMS", "The limit must be a positive number", subcommand);
            return;
        }

        limit = Math.Min(limit, MaxChatHistory);
        if (ChatHub.CheckScope(session, FrameTypes.History) is { } outOfScope)
        {
            ReportError("CHATHISTORY", subcommand, outOfScope);
            return;
        }

        if (subcommand == "TARGETS")
        {
            await TargetsAsync(session, message.Param(1)!, message.Param(2)!, limit).ConfigureAwait(false);
            return;
        }

        var target = message.Param(1)!;
        var first = ParseMsgRef(subcommand, message.Param(2)!, allowStar: subcommand == "LATEST");
        var second = subcommand == "BETWEEN" ? ParseMsgRef(subcommand, message.Param(3)!, allowStar: false) : null;
        if (first is null || (subcommand == "BETWEEN" && second is null))
        {
            return;
        }

        var (room, with) = IrcNames.ConversationOf(target);
        var answer = await ReadHistoryAsync(session, subcommand, room, with, first.Value, second, limit).ConfigureAwait(false);
        if (!answer.Succeeded)
        {
            ReportError("CHATHISTORY", target, answer.Error!);
            return;
        }

        var requestId = "chathistory-" + Interlocked.Increment(ref _historyRequests).ToString(CultureInfo.InvariantCulture);
        _pendingHistory[requestId] = new PendingHistory("chathistory", target, ClaimLabel());

        // Queued once the outbox is half empty, as history is on every door: asking never makes a reader a slow consumer.
        await WaitForCapacityAsync(CancellationToken.None).ConfigureAwait(false);
        var (name, messages) = answer.Value;
        if (!TryEnqueue(new HistoryEvent(name, messages, requestId)))
        {
            DropAsSlowConsumer();
        }
    }

    /// <summary>The messages a subcommand asks for, oldest first; every read goes through the hub's history rule.</summary>
    private async Task<HubResult<(string Room, IReadOnlyList<MessageEvent> Messages)>> ReadHistoryAsync(
        ChatSession session, string subcommand, string? room, string? with, MsgRef first, MsgRef? second, int limit)
    {
        var maxBytes = ChatHub.HistoryReplyBytes(_options.Outbox.MaxBytes);
        if (first.IsStar)
        {
            return Messages(await _hub.HistoryAsync(session, room, with, null, null, limit, null, maxBytes).ConfigureAwait(false), _ => true);
        }

        var anchor = await LocateAsync(session, room, with, first).ConfigureAwait(false);
        if (!anchor.Succeeded)
        {
            return anchor.Error!;
        }

        var (name, after, before) = anchor.Value;
        switch (subcommand)
        {
            case "LATEST":
                return Messages(await _hub.HistoryAsync(session, name, null, null, null, limit, null, maxBytes).ConfigureAwait(false), m => m.Seq > after);
            case "BEFORE":
                return Messages(await _hub.HistoryAsync(session, name, null, before, null, limit, null, maxBytes).ConfigureAwait(false), _ => true);
            case "AFTER":
                return Messages(await _hub.HistoryAsync(session, name, null, null, after, limit, null, maxBytes).ConfigureAwait(false), _ => true);
            case "AROUND":
                // Half before the reference, the rest from it on (a msgid's own message included).
                IReadOnlyList<MessageEvent> older = [];
                if (limit / 2 > 0)
                {
                    var read = await _hub.HistoryAsync(session, name, null, before, null, limit / 2, null, maxBytes).ConfigureAwait(false);
                    if (!read.Succeeded)
                    {
                        return read.Error!;
                    }

                    older = read.Value!.Messages;
                }

                var newer = await _hub.HistoryAsync(session, name, null, null, before - 1, limit - older.Count, null, maxBytes).ConfigureAwait(false);
                return newer.Succeeded
                    ? HubResult<(string, IReadOnlyList<MessageEvent>)>.Ok((name, [.. older, .. newer.Value!.Messages]))
                    : newer.Error!;
            default: // BETWEEN, both ends excluded: the earliest after the first end, or the latest before it when it is the later one
                var end = await LocateAsync(session, room, with, second!.Value).ConfigureAwait(false);
                if (!end.Succeeded)
                {
                    return end.Error!;
                }

                var (_, endAfter, endBefore) = end.Value;
                return after <= endAfter
                    ? Messages(await _hub.HistoryAsync(session, name, null, null, after, limit, null, maxBytes).ConfigureAwait(false), m => m.Seq < endBefore)
                    : Messages(await _hub.HistoryAsync(session, name, null, before, null, limit, null, maxBytes).ConfigureAwait(false), m => m.Seq > endAfter);
        }
    }

    private static HubResult<(string Room, IReadOnlyList<MessageEvent> Messages)> Messages(HubResult<HistoryEvent> read, Func<MessageEvent, bool> keep)
        => read.Succeeded
            ? HubResult<(string, IReadOnlyList<MessageEvent>)>.Ok((read.Value!.Room, read.Value.Messages.Where(keep).ToList()))
            : read.Error!;

    /// <summary>
    /// Where a msgref falls: the conversation's name, the seq the messages after it are above (<c>After</c>) and the seq
    /// the messages before it are below (<c>Before</c>). A msgid is its own message's seq for both.
    /// </summary>
    private async Task<HubResult<(string Room, long After, long Before)>> LocateAsync(ChatSession session, string? room, string? with, MsgRef reference)
    {
        if (reference.MessageId is { } id)
        {
            var found = await _hub.FindMessagePointAsync(session, room, with, id).ConfigureAwait(false);
            return found.Succeeded ? HubResult<(string, long, long)>.Ok((found.Value!.Room, found.Value.Seq, found.Value.Seq)) : found.Error!;
        }

        var atOrBefore = await _hub.FindTimePointAsync(session, room, with, reference.At, inclusive: true).ConfigureAwait(false);
        if (!atOrBefore.Succeeded)
        {
            return atOrBefore.Error!;
        }

        var strictlyBefore = await _hub.FindTimePointAsync(session, room, with, reference.At, inclusive: false).ConfigureAwait(false);
        return strictlyBefore.Succeeded
            ? HubResult<(string, long, long)>.Ok((atOrBefore.Value!.Room, atOrBefore.Value.Seq, strictlyBefore.Value!.Seq + 1))
            : strictlyBefore.Error!;
    }

    /// <summary><c>CHATHISTORY TARGETS</c>: each conversation with a message in the window and the time of its latest there.</summary>
    private async Task TargetsAsync(ChatSession session, string from, string to, int limit)
    {
        var start = ParseMsgRef("TARGETS", from, allowStar: false);
        var end = start is null ? null : ParseMsgRef("TARGETS", to, allowStar: false);
        if (start is null || end is null)
        {
            return;
        }

        if (start.Value.MessageId is not null || end.Value.MessageId is not null)
        {
            SendFail("CHATHISTORY", "INVALID_PARAMS", "TARGETS takes two timestamps", "TARGETS");
            return;
        }

        var latest = await _hub.LatestMessagesAsync(session, start.Value.At, end.Value.At, limit).ConfigureAwait(false);
        if (!latest.Succeeded)
        {
            ReportError("CHATHISTORY", "TARGETS", latest.Error!);
            return;
        }

        var lines = latest.Value!.Select(m => new IrcLine().Command(_server.Name, "CHATHISTORY").Param("TARGETS")
            .Param(TargetFor(m)).Param(WireTimestamp.Format(m.Timestamp)));
        SendBatch("draft/chathistory-targets", null, lines);
    }

    /// <summary>The IRC target of a conversation as this user sees it: <c>#room</c>, the other person's nick, or a group's id.</summary>
    private string TargetFor(MessageEvent message)
    {
        if (!DirectConversationId.IsDirect(message.Room) || DirectConversationId.IsGroup(message.Room))
        {
            return IrcNames.TargetOf(message.Room);
        }

        return string.Equals(message.From, _nick, StringComparison.OrdinalIgnoreCase) ? message.To ?? message.Room : message.From;
    }

    /// <summary>Reads <c>msgid=…</c>, <c>timestamp=…</c> (or <c>*</c> where allowed); null after saying what is wrong.</summary>
    private MsgRef? ParseMsgRef(string subcommand, string text, bool allowStar)
    {
        if (text == "*" && allowStar)
        {
            return new MsgRef(null, default, IsStar: true);
        }

        var equals = text.IndexOf('=', StringComparison.Ordinal);
        var kind = equals < 0 ? text : text[..equals];
        var value = equals < 0 ? "" : text[(equals + 1)..];
        switch (kind)
        {
            case "msgid" when value.Length > 0:
                return new MsgRef(value, default, IsStar: false);
            case "timestamp" when IrcTimestamps.TryParse(value, out var at):
                return new MsgRef(null, at, IsStar: false);
            case "msgid" or "timestamp":
                SendFail("CHATHISTORY", "INVALID_PARAMS", $"Not a valid {kind}", subcommand, text);
                return null;
            default:
                SendFail("CHATHISTORY", "INVALID_MSGREFTYPE", "Message references are msgid=… or timestamp=…", subcommand, text);
                return null;
        }
    }

    /// <summary>A CHATHISTORY answer: a <c>chathistory</c> batch of PRIVMSG lines, as a live message looks (deleted ones left out).</summary>
    partial void WriteHistoryAnswer(IBufferWriter<byte> output, HistoryEvent history)
    {
        if (!_pendingHistory.TryRemove(history.RequestId!, out var pending))
        {
            return;
        }

        var batch = Caps.Has(IrcCap.Batch) ? NextBatchId() : null;
        if (batch is not null)
        {
            var open = new IrcLine();
            if (pending.Label is { } label)
            {
                open.Tag("label", label);
            }

            WriteLine(output, open.Command(_server.Name, "BATCH").Param("+" + batch).Param(pending.Kind).Param(pending.Target));
        }

        foreach (var message in history.Messages)
        {
            if (message.DeletedBy is not null)
            {
                continue; // a deleted message's text is gone: it is not replayed (draft/message-redaction clients saw its REDACT)
            }

            var texts = _encoder.MessageLines(message, out var source, out var target);
            for (var i = 0; i < texts.Count; i++)
            {
                var line = IrcEventEncoder.MessageTags(message);
                if (batch is not null)
                {
                    line.Tag("batch", batch);
                }

                WriteLine(output, line.Command(source, "PRIVMSG").Param(target).Trailing(i == 0 ? IrcFormatting.ToIrc(texts[i]) : texts[i]));
            }
        }

        if (batch is not null)
        {
            WriteLine(output, new IrcLine().Command(_server.Name, "BATCH").Param("-" + batch));
        }
    }

    /// <summary>A reference to a place in history: a message id, a time, or <c>*</c> (now).</summary>
    private readonly record struct MsgRef(string? MessageId, DateTimeOffset At, bool IsStar);

    private sealed record PendingHistory(string Kind, string Target, string? Label);
}

/// <summary>IRCv3 timestamps (server-time's <c>YYYY-MM-DDThh:mm:ss.sssZ</c>) as clients send them in msgrefs and MARKREAD.</summary>
public static class IrcTimestamps
{
    public static bool TryParse(string text, out DateTimeOffset at)
        => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at)
            && text.Length >= 10 && char.IsAsciiDigit(text[0]);
}
