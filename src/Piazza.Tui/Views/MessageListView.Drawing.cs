using System.Globalization;
using Terminal.Gui.Drawing;
using Terminal.Gui.Text;
using Terminal.Gui.ViewBase;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Piazza.Tui;

/// <summary>How the message list draws its rows: colours by kind and sender, code blocks, each message's seq, and the marker.</summary>
internal sealed partial class MessageListView
{
    /// <summary>Colours for other people's names, one per name (the own, error and notice colours left out).</summary>
    private static readonly ColorName16[] NameColours =
        [ColorName16.Green, ColorName16.BrightGreen, ColorName16.Magenta, ColorName16.BrightMagenta, ColorName16.BrightBlue, ColorName16.Red];

    /// <summary>The colour of a fenced code block's lines: no name, notice or highlight uses it.</summary>
    internal const ColorName16 CodeColour = ColorName16.Yellow;

    protected override bool OnDrawingContent(DrawContext? context)
    {
        var height = Viewport.Height;
        if (!_follow && height > 0 && _top >= MaxTop)
        {
            // A resize made the rest fit: the user is at the bottom again.
            _follow = true;
            Unseen = 0;
        }

        var width = Viewport.Width;
        var top = Top;
        var normal = GetAttributeForRole(VisualRole.Normal);
        var marker = !_follow && height > 1;
        var shown = marker ? height - 1 : height;
        for (var i = 0; i < shown && top + i < _rows.Count; i++)
        {
            var row = _rows[top + i];
            var mention = !row.Day && IsMention?.Invoke(row.Line) == true;
            var colour = row.Day || row.Quote ? ColorName16.DarkGray : mention ? ColorName16.BrightYellow : Colour(row.Line);
            SetAttribute(colour is { } c ? new Attribute(new Color(c), normal.Background) : normal);
            Move(0, i);
            AddStr(row.Text);
            if (row.First && !mention && row.Line.Kind == ChatLineKind.Message && row.Line.Sender is { } sender)
            {
                SetAttribute(new Attribute(new Color(NameColour(sender)), normal.Background));
                Move(ChatLine.TextColumn, i);
                AddStr("<" + Piazza.Protocol.PrintableText.Escape(sender) + ">");
            }

            if (row.Style != TextLineStyle.Text)
            {
                // Code blocks stand apart from the chat; their fences are dimmed.
                SetAttribute(new Attribute(new Color(row.Style == TextLineStyle.Code ? CodeColour : ColorName16.DarkGray), normal.Background));
                Move(row.Text[..row.StyleFrom].GetColumns(), i);
                AddStr(row.Text[row.StyleFrom..]);
            }

            DrawSeq(row, i, width, normal);
        }

        if (marker)
        {
            SetAttribute(new Attribute(new Color(ColorName16.Black), new Color(ColorName16.BrightYellow)));
            Move(0, height - 1);
            AddStr(MarkerText(width));
        }

        return true;
    }

    /// <summary>
    /// A message's seq, dim at the right edge of its first row when it fits: what <c>/edit N</c>, <c>/reply N</c>,
    /// <c>/react N</c> and <c>/pin N</c> name it by.
    /// </summary>
    private void DrawSeq(ChatRow row, int y, int width, Attribute normal)
    {
        if (!row.First || row.Day || row.Line.Seq is not { } seq || row.Line.Kind is not (ChatLineKind.Message or ChatLineKind.OwnMessage))
        {
            return;
        }

        var label = string.Create(CultureInfo.InvariantCulture, $"#{seq}");
        if (width - row.Text.GetColumns() < label.Length + 2)
        {
            return;
        }

        SetAttribute(new Attribute(new Color(ColorName16.DarkGray), normal.Background));
        Move(width - label.Length, y);
        AddStr(label);
    }

    /// <summary>The bottom row while scrolled up: <c>──── ↓ 3 new messages · PgDn ────</c>, as wide as the list.</summary>
    private string MarkerText(int width)
    {
        var text = Unseen switch
        {
            0 => " ↓ more below · PgDn ",
            1 => " ↓ 1 new message · PgDn ",
            _ => string.Create(CultureInfo.InvariantCulture, $" ↓ {Unseen} new messages · PgDn "),
        };
        var fill = Math.Max(0, width - text.GetColumns());
        return new string('─', fill / 2) + text + new string('─', fill - (fill / 2));
    }

    private static ColorName16? Colour(ChatLine line) => line.Kind switch
    {
        ChatLineKind.OwnMessage when line.Pending => ColorName16.DarkGray, // typed while disconnected: not yet confirmed
        ChatLineKind.OwnMessage => ColorName16.BrightCyan,
        ChatLineKind.Error => ColorName16.BrightRed,
        ChatLineKind.Joined or ChatLineKind.Left or ChatLineKind.System => ColorName16.DarkGray,
        _ => null,
    };

    /// <summary>The same colour for a name every time (string.GetHashCode changes between runs).</summary>
    private static ColorName16 NameColour(string name)
    {
        var hash = 0;
        foreach (var c in name.ToUpperInvariant())
        {
            hash = unchecked((hash * 31) + c);
        }

        return NameColours[(hash & int.MaxValue) % NameColours.Length];
    }
}
