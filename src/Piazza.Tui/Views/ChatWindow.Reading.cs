using Piazza.Client;

namespace Piazza.Tui;

/// <summary>
/// Read state in the window (issue 14): what the message list shows is read (the open conversation, following at
/// the bottom or scrolled to the messages), and the server is told with <c>read</c>, one request at a time per
/// conversation (later reads while one is on its way go as one, at the newest); the terminal bell on a mention of
/// the user or a private message, unless turned off (<c>--no-bell</c>).
/// </summary>
internal sealed partial class ChatWindow
{
    private readonly HashSet<ConversationState> _readsInFlight = [];

    /// <summary>Whether a mention or a private message rings the terminal bell (<c>--no-bell</c> turns it off).</summary>
    internal bool BellEnabled { get; set; } = true;

    /// <summary>How the bell rings: BEL to the terminal (tests count it instead).</summary>
    internal Action RingBell { get; set; } = () =>
    {
        Console.Out.Write('\a');
        Console.Out.Flush();
    };

    /// <summary>The <c>read</c> frames this window asked the client to send, for tests: conversation and seq.</summary>
    internal List<(string Conversation, long Seq)> ReadsSent { get; } = [];

    private void BindReading()
    {
        BellEnabled = _settings.Bell;
        _messages.Scrolled += ReportSeen;
        _state.ReadOwed += SendRead;
        _state.Alerted += (_, _) =>
        {
            if (BellEnabled)
            {
                RingBell();
            }
        };
    }

    /// <summary>Tells the state what the list shows of the current conversation: its newest message in view, and whether it follows.</summary>
    private void ReportSeen()
    {
        _state.Following = _messages.Following;
        var seq = _messages.NewestVisibleSeq;
        if (seq > 0)
        {
            _state.Seen(_state.Current, seq);
        }
    }

    private void SendRead(ConversationState conversation)
    {
        if (!_readsInFlight.Add(conversation))
        {
            return; // the answer to the one on its way sends the newest
        }

        var seq = conversation.ReadSeq;
        ReadsSent.Add((conversation.Id, seq));
        _ = SendReadAsync(conversation, seq);
    }

    private async Task SendReadAsync(ConversationState conversation, long seq)
    {
        try
        {
            var stored = await _client.MarkReadAsync(conversation.Id, seq).ConfigureAwait(false);

            // Another device had read further: the counts follow the stored position.
            if (stored > seq)
            {
                ((IChatHost)this).Post(() => _state.ApplyRead(conversation.Id, stored));
            }
        }
        catch (PiazzaException)
        {
            // Refused or the connection dropped: the next read (or the next welcome's counts) sets it right.
        }
        catch (OperationCanceledException)
        {
        }

        ((IChatHost)this).Post(() =>
        {
            _readsInFlight.Remove(conversation);
            if (conversation.ReadSeq > seq)
            {
                SendRead(conversation);
            }
        });
    }
}
