using System.Globalization;

namespace Piazza.Tui;

/// <summary>What a chat line shows; the views colour lines by kind.</summary>
internal enum ChatLineKind
{
    Message,
    OwnMessage,
    Joined,
    Left,
    System,
    Error,
}

/// <summary>One line of the message list, already resolved to local time.</summary>
internal sealed partial record ChatLine(DateTime Time, ChatLineKind Kind, string? Sender, string Text)
{
    /// <summary>Where the text starts in <see cref="ToString"/> (after time and gutter); wrapped rows indent to it.</summary>
    public const int TextColumn = 8;

    /// <summary>The message's seq in its conversation; null for notices and local lines.</summary>
    public long? Seq { get; init; }

    /// <summary>The file a message shares (its summary is already part of <see cref="Text"/>); null otherwise.</summary>
    public Piazza.Client.SharedFile? File { get; init; }
    /// <summary>The message's server id (for /delete); null for notices and local lines.</summary>
    public string? MessageId { get; init; }

    /// <summary>What a reply quotes (it follows the original's deletion); null for other lines.</summary>
    public Piazza.Client.MessageQuote? Reply { get; init; }

    /// <summary>A reply's quote as shown on the row above it (<c>↳ bob: first words…</c>); null for other lines.</summary>
    public string? Quote => ChatState.QuoteOf(Reply);
    /// <summary>The message is pinned in its conversation: the line shows <see cref="PinnedMark"/> before the text.</summary>
    public bool Pinned { get; init; }

    /// <summary>The mark of a pinned message's line (plain ASCII: an emoji's width differs between terminals).</summary>
    public const string PinnedMark = "[pinned] ";

    /// <summary>The message was deleted; <see cref="Text"/> then says so instead of the text.</summary>
    public bool Deleted { get; init; }

    /// <summary>The message's text was edited: the line ends with "(edited)".</summary>
    public bool Edited { get; init; }

    /// <summary>The message names us (its server-listed mentions hold our key); the UI highlights it.</summary>
    public bool MentionsMe { get; init; }

    /// <summary>Our own message not yet confirmed by the server (typed while disconnected); the UI dims it.</summary>
    public bool Pending { get; init; }

    /// <summary>The sender is a bot account: the line shows <see cref="BotTag"/> beside the name.</summary>
    public bool Bot { get; init; }

    /// <summary>The mark of a bot, beside its name in the message list and the people list.</summary>
    public const string BotTag = "[bot]";

    /// <summary>True for presence and system lines, which the UI dims.</summary>
    public bool IsNotice => Kind is ChatLineKind.Joined or ChatLineKind.Left or ChatLineKind.System;

    /// <summary>The UI form: <c>14:02   &lt;bob&gt; hi</c>, own lines marked <c>»</c>, notices <c>*</c>, errors <c>!</c>.</summary>
    public override string ToString() => Format("HH:mm", Kind switch
    {
        ChatLineKind.OwnMessage => "» ",
        ChatLineKind.Message => "  ",
        ChatLineKind.Error => "! ",
        _ => "* ",
    });

    /// <summary>
    /// The <c>--plain</c> form: <c>14:02:05 &lt;bob&gt; hi</c> or <c>14:02:05 * bob joined</c>; with
    /// <paramref name="conversation"/> (a conversation other than the current one) <c>14:02:05 [dev] &lt;bob&gt; hi</c>.
    /// </summary>
    public string ToPlainString(string? conversation = null)
        => Format("HH:mm:ss", Kind is ChatLineKind.Message or ChatLineKind.OwnMessage ? "" : Kind == ChatLineKind.Error ? "! " : "* ", conversation);

    /// <summary>
    /// A message's text with its file: <c>caption [file] report.pdf · 1.2 MB · /download 3f9a0c2e</c>, the file shown
    /// by <paramref name="shownId"/> (a short id) when given, else by its full id.
    /// </summary>
    public static string MessageText(string? text, Piazza.Client.SharedFile? file, string? shownId = null)
    {
        if (file is null)
        {
            return text ?? "";
        }

        var summary = $"[file] {file.Name ?? file.Id} · {FormatSize(file.Size)} · /download {shownId ?? file.Id}";
        return string.IsNullOrEmpty(text) ? summary : $"{text} {summary}";
    }

    /// <summary>A byte count for people: <c>0 B</c>, <c>999 B</c>, <c>1.5 KB</c>, <c>12.3 MB</c>, <c>1.1 GB</c> (powers of 1024).</summary>
    public static string FormatSize(long bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B")
            : string.Create(CultureInfo.InvariantCulture, $"{value:0.0} {units[unit]}");
    }

    /// <summary>
    /// The whole line with every control and direction character escaped (<see cref="Piazza.Protocol.PrintableText"/>):
    /// names, texts, reasons, topics and file names come from others, and a terminal must never receive a control
    /// sequence from them, nor a line break that starts a forged line.
    /// </summary>
    private string Format(string timeFormat, string gutter, string? conversation = null)
        => Piazza.Protocol.PrintableText.Escape(FormatRaw(timeFormat, gutter, conversation));

    private string FormatRaw(string timeFormat, string gutter, string? conversation)
    {
        var time = Time.ToString(timeFormat, CultureInfo.InvariantCulture);
        if (conversation is not null)
        {
            time += $" [{conversation}]";
        }

        return Kind is ChatLineKind.Message or ChatLineKind.OwnMessage
            ? $"{time} {gutter}<{Sender}>{(Bot ? " " + BotTag : "")} {(Pinned ? PinnedMark : "")}{Text}{(Edited ? " (edited)" : "")}{ReactionCounts}"
            : $"{time} {gutter}{Text}";
    }
}
