using System.Globalization;

namespace Piazza.Tui;

/// <summary><c>/react N EMOJI</c> and <c>/unreact N EMOJI</c>: N is the message's seq in the open conversation (its <c>#N</c>).</summary>
internal sealed partial class ChatController
{
    private async Task<CommandResult> ReactAsync(ConversationState conversation, ChatCommand.React react, CancellationToken cancellationToken)
    {
        var verb = react.On ? "/react" : "/unreact";
        var line = host.Read(() => conversation.Lines.FirstOrDefault(l => l.Seq == react.Seq && l.MessageId is not null));
        if (line?.MessageId is not { } messageId)
        {
            return Error($"{verb}: no message #{react.Seq.ToString(CultureInfo.InvariantCulture)} here (N is the number on the message's line)");
        }

        return await AttemptAsync(
            $"{verb} failed",
            () => react.On ? client.ReactAsync(messageId, react.Emoji, cancellationToken) : client.UnreactAsync(messageId, react.Emoji, cancellationToken)).ConfigureAwait(false);
    }
}

/// <summary>The reaction commands' parsing.</summary>
internal abstract partial record ChatCommand
{
    /// <summary>React (<paramref name="On"/>) or take back a reaction to message <paramref name="Seq"/> of the current conversation.</summary>
    public sealed record React(long Seq, string Emoji, bool On) : ChatCommand;

    /// <summary><c>N EMOJI</c> (N may be written <c>#N</c>); anything else shows the usage.</summary>
    private static ChatCommand Reaction(string[] words, bool on, Usage usage)
        => words is [var number, var emoji] && long.TryParse(number.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var seq) && seq > 0
            ? new React(seq, emoji, on)
            : usage;
}
