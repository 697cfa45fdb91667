using System.Globalization;

namespace Piazza.Tui;

/// <summary><c>/pins</c>: this conversation's pinned messages, as system lines.</summary>
internal sealed record PinsCommand : ChatCommand;

/// <summary><c>/pin N</c> (<paramref name="Pin"/>) or <c>/unpin N</c>: N is the message's seq (its <c>#N</c>) in the conversation shown.</summary>
internal sealed record PinCommand(long Seq, bool Pin) : ChatCommand
{
    /// <summary>The command for a typed <c>N</c> or <c>#N</c>, or the usage.</summary>
    public static ChatCommand Of(string typed, bool pin)
    {
        var digits = typed.TrimStart('#');
        return digits.Length is > 0 and <= 18 && digits.All(char.IsAsciiDigit) && long.Parse(digits, CultureInfo.InvariantCulture) is > 0 and var seq
            ? new PinCommand(seq, pin)
            : new Usage(CommandCatalog.Syntax(pin ? "pin" : "unpin"));
    }
}

/// <summary>Pins (docs/protocol.md, "Pins"): /pins lists, /pin N and /unpin N change; the lines mark what is pinned.</summary>
internal sealed partial class ChatController
{
    /// <summary>Longest text a /pins line shows of a message (the line itself is in the conversation).</summary>
    private const int PinLineChars = 120;

    private async Task<CommandResult> PinsAsync(ChatCommand command, ConversationState conversation, CancellationToken cancellationToken)
    {
        if (command is PinCommand pin)
        {
            var line = host.Read(() => conversation.Lines.LastOrDefault(l => l.Seq == pin.Seq && l.MessageId is not null));
            var verb = pin.Pin ? "pin" : "unpin";
            if (line?.MessageId is not { } messageId)
            {
                return Error($"no message #{pin.Seq} shown in {conversation.DisplayName}; scroll up to load older ones");
            }

            // The conversation hears pinned/unpinned, which marks the line and says who did it.
            return await AttemptAsync($"/{verb} #{pin.Seq} failed", () => pin.Pin
                ? client.PinAsync(conversation.Id, messageId, cancellationToken)
                : client.UnpinAsync(conversation.Id, messageId, cancellationToken)).ConfigureAwait(false);
        }

        return await AttemptAsync("/pins failed", async () =>
        {
            var pins = await client.PinsAsync(conversation.Id, cancellationToken).ConfigureAwait(false);
            host.Post(() =>
            {
                if (pins.Count == 0)
                {
                    state.AddSystem($"nothing is pinned in {conversation.DisplayName}");
                    return;
                }

                state.AddSystem($"pinned in {conversation.DisplayName} ({pins.Count}, newest first):");
                foreach (var p in pins)
                {
                    var text = ChatLine.MessageText(p.Message.Text, p.Message.File).ReplaceLineEndings(" ");
                    var shown = text.Length > PinLineChars ? text[..PinLineChars] + "…" : text;
                    state.AddSystem($"#{p.Message.Seq} <{p.Message.From}> {shown}");
                }
            });
        }).ConfigureAwait(false);
    }
}
