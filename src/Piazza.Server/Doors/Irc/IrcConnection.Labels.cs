using System.Globalization;
using System.Text;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// IRCv3 batch and labeled-response: a command sent with <c>@label=…</c> has the lines its handler sends collected
/// (<see cref="SendRaw"/>) and, once it returns, sent back labelled: one line carries the label, several come in a
/// <c>labeled-response</c> batch, none is an <c>ACK</c>. A reply written later by the write loop (a CHATHISTORY batch)
/// takes the label itself (<see cref="ClaimLabel"/>). Lines that reach the client as shared events (the JOIN of a
/// room's state, an echo-message echo) are not the handler's and go unlabelled.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>The label of the command the read loop is handling, in its async flow only (not the write loop, not timers).</summary>
    private static readonly AsyncLocal<LabelCapture?> CurrentLabel = new();

    private long _batches;

    /// <summary>A batch reference unique on this connection.</summary>
    private string NextBatchId() => "b" + Interlocked.Increment(ref _batches).ToString(CultureInfo.InvariantCulture);

    /// <summary>Handles a command, labelling its answer when it came with a label and the client negotiated labeled-response.</summary>
    private async ValueTask<bool> HandleLabeledAsync(IrcMessage message)
    {
        if (message.Tag("label") is not { Length: > 0 } label || !Caps.Has(IrcCap.LabeledResponse))
        {
            return await HandleCommandAsync(message).ConfigureAwait(false);
        }

        var capture = new LabelCapture(this, label);
        CurrentLabel.Value = capture;
        try
        {
            return await HandleCommandAsync(message).ConfigureAwait(false);
        }
        finally
        {
            CurrentLabel.Value = null;
            SendLabelled(capture);
        }
    }

    /// <summary>Takes the current command's label for a reply that carries it itself; null when the command has none.</summary>
    private string? ClaimLabel()
    {
        if (CurrentLabel.Value is not { } capture || capture.Owner != this)
        {
            return null;
        }

        lock (capture)
        {
            capture.Claimed = true;
        }

        return capture.Label;
    }

    /// <summary>Collects a line of a labelled command's answer; false when there is none to collect it (send it now).</summary>
    private bool TryCapture(byte[] bytes)
    {
        if (CurrentLabel.Value is not { } capture || capture.Owner != this)
        {
            return false;
        }

        lock (capture)
        {
            if (capture.Closed)
            {
                return false; // an answer that came after its command was done (a send that failed late) goes unlabelled
            }

            capture.Lines.Add(bytes);
            return true;
        }
    }

    private void SendLabelled(LabelCapture capture)
    {
        List<byte[]> lines;
        lock (capture)
        {
            capture.Closed = true;
            lines = capture.Lines;
        }

        if (capture.Claimed || lines.Count == 0)
        {
            if (!capture.Claimed)
            {
                SendRaw(new IrcLine().Tag("label", capture.Label).Command(_server.Name, "ACK").ToBytes());
            }

            foreach (var line in lines)
            {
                SendRaw(line);
            }

            return;
        }

        var labelTag = new IrcLine().Tag("label", capture.Label).ToString()[1..];
        if (lines.Count == 1 || !Caps.Has(IrcCap.Batch))
        {
            SendRaw(WithTag(lines[0], labelTag));
            foreach (var line in lines.Skip(1))
            {
                SendRaw(line);
            }

            return;
        }

        var batch = NextBatchId();
        SendRaw(new IrcLine().Tag("label", capture.Label).Command(_server.Name, "BATCH").Param("+" + batch).Param("labeled-response").ToBytes());
        foreach (var line in lines)
        {
            SendRaw(WithTag(line, "batch=" + batch));
        }

        SendRaw(new IrcLine().Command(_server.Name, "BATCH").Param("-" + batch).ToBytes());
    }

    /// <summary>
    /// Sends lines as one batch of <paramref name="kind"/> for clients with batch (plain lines for the others), the
    /// opening line carrying the current command's label.
    /// </summary>
    private void SendBatch(string kind, string? parameter, IEnumerable<IrcLine> lines)
    {
        if (!Caps.Has(IrcCap.Batch))
        {
            foreach (var line in lines)
            {
                Send(line);
            }

            return;
        }

        var batch = NextBatchId();
        var open = new IrcLine();
        if (ClaimLabel() is { } label)
        {
            open.Tag("label", label);
        }

        open.Command(_server.Name, "BATCH").Param("+" + batch).Param(kind);
        if (parameter is not null)
        {
            open.Param(parameter);
        }

        Send(open);
        foreach (var line in lines)
        {
            SendRaw(WithTag(line.ToBytes(), "batch=" + batch));
        }

        Send(new IrcLine().Command(_server.Name, "BATCH").Param("-" + batch));
    }

    /// <summary>The line with one more tag (<c>key=escaped-value</c>) in front of any it has.</summary>
    private static byte[] WithTag(byte[] line, string tag)
    {
        var prefix = Encoding.UTF8.GetBytes(line.Length > 0 && line[0] == (byte)'@' ? "@" + tag + ";" : "@" + tag + " ");
        var skip = line.Length > 0 && line[0] == (byte)'@' ? 1 : 0;
        var tagged = new byte[prefix.Length + line.Length - skip];
        prefix.CopyTo(tagged, 0);
        line.AsSpan(skip).CopyTo(tagged.AsSpan(prefix.Length));
        return tagged;
    }

    /// <summary>The lines one labelled command sent, until it returned.</summary>
    private sealed class LabelCapture(IrcConnection owner, string label)
    {
        public IrcConnection Owner { get; } = owner;

        public string Label { get; } = label;

        public List<byte[]> Lines { get; } = [];

        public bool Claimed { get; set; }

        public bool Closed { get; set; }
    }
}
