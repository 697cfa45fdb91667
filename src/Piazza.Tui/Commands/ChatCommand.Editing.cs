using System.Globalization;

namespace Piazza.Tui;

/// <summary><c>/edit N TEXT</c>: N is the message's seq in the open conversation (the <c>#N</c> on its line).</summary>
internal abstract partial record ChatCommand
{
    /// <summary>The prefix the input is filled with to edit message <paramref name="seq"/> (↑ in an empty input).</summary>
    public static string EditPrefix(long seq) => string.Create(CultureInfo.InvariantCulture, $"/edit {seq} ");

    private static ChatCommand ParseEdit(string rest, Usage usage)
        => rest.Split(' ', 2) is [var number, var text]
            && long.TryParse(number.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
            && text.Trim().Length > 0
            ? new Edit(seq, text.Trim())
            : usage;

    /// <summary>Replace the text of our message <paramref name="Seq"/> in the open conversation.</summary>
    public sealed record Edit(long Seq, string Text) : ChatCommand;
}
