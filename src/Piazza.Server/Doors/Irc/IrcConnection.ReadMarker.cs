using System.Buffers;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// draft/read-marker (ircv3.net): <c>MARKREAD</c> is Piazza's read state. IRC names a place by time, Piazza by seq: a
/// timestamp marks read up to the last message at or before it; a position is told as its message's time.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary><c>MARKREAD target [timestamp=…]</c>: sets (never backwards) or asks; answered with the position stored now.</summary>
    private async ValueTask MarkReadAsync(ChatSession session, IrcMessage message)
    {
        if (message.Param(0) is not { Length: > 0 } target)
        {
            SendFail("MARKREAD", "NEED_MORE_PARAMS", "Missing parameters");
            return;
        }

        DateTimeOffset? at = null;
        if (message.Param(1) is { } position)
        {
            if (!position.StartsWith("timestamp=", StringComparison.Ordinal) || !IrcTimestamps.TryParse(position["timestamp=".Length..], out var parsed))
            {
                SendFail("MARKREAD", "INVALID_PARAMS", "The read position is timestamp=YYYY-MM-DDThh:mm:ss.sssZ", target, position);
                return;
            }

            at = parsed;
        }

        if (ChatHub.CheckScope(session, FrameTypes.Read) is { } outOfScope)
        {
            ReportError("MARKREAD", target, outOfScope);
            return;
        }

        var (room, with) = IrcNames.ConversationOf(target);
        var point = at is { } time
            ? await _hub.FindTimePointAsync(session, room, with, time, inclusive: true).ConfigureAwait(false)
            : await _hub.FindReadPointAsync(session, room, with).ConfigureAwait(false);
        if (!point.Succeeded)
        {
            ReportError("MARKREAD", target, point.Error!);
            return;
        }

        if (at is null || point.Value!.Seq == 0)
        {
            // Asked, or a time before the first message: nothing to mark, the position stored now is the answer.
            var current = at is null ? point : await _hub.FindReadPointAsync(session, room, with).ConfigureAwait(false);
            Send(MarkReadLine(target, current.Succeeded ? current.Value!.Timestamp : null));
            return;
        }

        var marked = await _hub.MarkReadAsync(session, point.Value.Room, point.Value.Seq).ConfigureAwait(false);
        if (!marked.Succeeded)
        {
            ReportError("MARKREAD", target, marked.Error!);
            return;
        }

        // A higher position stored before stays (never backwards): the answer is the one stored now.
        var stamp = marked.Value.Seq == point.Value.Seq ? point.Value.Timestamp
            : (await _hub.FindSeqPointAsync(session, point.Value.Room, null, marked.Value.Seq).ConfigureAwait(false)).Value?.Timestamp;
        Send(MarkReadLine(target, stamp));
    }

    /// <summary>This account read further on another connection: MARKREAD, with the time of the message read up to.</summary>
    partial void WriteRead(IBufferWriter<byte> output, ReadEvent read)
    {
        if (Caps.Has(IrcCap.ReadMarker))
        {
            _ = AnnounceReadAsync(read.Room, read.Seq);
        }
    }

    /// <summary>
    /// On entering a room a read-marker client is told its position (the spec asks for it with the JOIN): at once when
    /// nothing is read; else once its message's time is read from the store, so it may come after the names.
    /// </summary>
    private void WriteJoinReadMarker(IBufferWriter<byte> output, RoomStateEvent state)
    {
        if (!Caps.Has(IrcCap.ReadMarker) || state.Counts is not { } counts)
        {
            return;
        }

        if (counts.Read == 0)
        {
            WriteLine(output, MarkReadLine(IrcNames.Channel(state.Room), null));
        }
        else
        {
            _ = AnnounceReadAsync(state.Room, counts.Read);
        }
    }

    /// <summary>Sends MARKREAD for a position known by seq, once its message's time is read (off the write loop).</summary>
    private async Task AnnounceReadAsync(string conversation, long seq)
    {
        try
        {
            // At login the room's state can be written before HelloAsync has returned the session to the read loop.
            var session = _session ?? await _welcomed.Task.ConfigureAwait(false);
            var point = await _hub.FindSeqPointAsync(session, conversation, null, seq).ConfigureAwait(false);
            if (point.Succeeded)
            {
                Send(MarkReadLine(ReadTarget(session, conversation), point.Value!.Timestamp));
            }
        }
        catch (Exception ex) when (StoreFaults.IsUnavailable(ex))
        {
            // The marker is left out; the next read position (or a MARKREAD asked) brings it.
            Log.StoreUnavailable(_logger, Who, "MARKREAD", ex.GetBaseException().Message);
        }
    }

    /// <summary>The IRC target of a conversation's read position: <c>#room</c>, the other person's nick, or a group's id.</summary>
    private static string ReadTarget(ChatSession session, string conversation)
    {
        if (!DirectConversationId.TryParse(conversation, out var first, out var second))
        {
            return IrcNames.TargetOf(conversation);
        }

        return string.Equals(first, session.User.Key, StringComparison.Ordinal) ? second : first;
    }

    private IrcLine MarkReadLine(string target, DateTimeOffset? at)
        => new IrcLine().Command(_server.Name, "MARKREAD").Param(target).Param(at is { } time ? "timestamp=" + WireTimestamp.Format(time) : "*");
}
