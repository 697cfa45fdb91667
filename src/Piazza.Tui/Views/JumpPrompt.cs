using System.Collections.ObjectModel;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Piazza.Tui;

/// <summary>
/// The "jump to" prompt (Ctrl+K): a filter field over the conversations, narrowed as the user types (names that start
/// with the text first, then names containing it); ↑/↓ pick, Enter switches, Esc closes. Shown over the message list.
/// </summary>
internal sealed class JumpPrompt : FrameView
{
    private readonly TextField _filter;
    private readonly ListView _matches;
    private readonly ObservableCollection<string> _labels = [];
    private readonly List<ConversationState> _found = [];
    private IReadOnlyList<ConversationState> _all = [];

    public JumpPrompt()
    {
        Title = "Jump to (Enter switches, Esc closes)";
        Visible = false;
        X = Pos.Center();
        Y = 1;
        Width = Dim.Percent(60);
        Height = 12;
        CanFocus = true;
        _filter = new TextField { X = 0, Y = 0, Width = Dim.Fill() };
        var rule = new Line { X = 0, Y = 1, Width = Dim.Fill(), Orientation = Orientation.Horizontal };
        _matches = new ListView { X = 0, Y = 2, Width = Dim.Fill(), Height = Dim.Fill(), CanFocus = false };
        _matches.SetSource(_labels);
        _filter.TextChanged += (_, _) => Filter();
        _filter.Accepting += (_, e) =>
        {
            e.Handled = true;
            Choose();
        };
        _filter.KeyDown += (_, key) => key.Handled = OnFilterKey(key);
        Add(_filter, rule, _matches);
    }

    /// <summary>The user picked a conversation (Enter).</summary>
    public event Action<ConversationState>? Chosen;

    /// <summary>The prompt closed, chosen or not: the window gives the input its focus back.</summary>
    public event Action? Closed;

    /// <summary>The labels listed now, best match first, for tests.</summary>
    public IReadOnlyList<string> Matches => _labels;

    /// <summary>Opens the prompt, empty, over <paramref name="conversations"/>.</summary>
    public void Open(IReadOnlyList<ConversationState> conversations)
    {
        _all = conversations;
        _filter.Text = "";
        Filter();
        Visible = true;
        _filter.SetFocus();
        SetNeedsLayout();
    }

    public void Close()
    {
        if (!Visible)
        {
            return;
        }

        Visible = false;
        Closed?.Invoke();
    }

    private bool OnFilterKey(Key key)
    {
        if (key == Key.Esc)
        {
            Close();
            return true;
        }

        var step = key.KeyCode switch
        {
            KeyCode.CursorDown => 1,
            KeyCode.CursorUp => -1,
            _ => 0,
        };
        if (step == 0 || _found.Count == 0)
        {
            return step != 0; // ↑/↓ stay here even with nothing listed (the window would move the focus)
        }

        _matches.SelectedItem = Math.Clamp((_matches.SelectedItem ?? 0) + step, 0, _found.Count - 1);
        return true;
    }

    private void Filter()
    {
        var text = (_filter.Text ?? "").Trim().TrimStart('#', '@');
        var ranked = _all
            .Select(c => (Conversation: c, Name: c.IsPrivate ? c.Peer ?? c.Id[1..] : c.Id))
            .Where(c => c.Name.Contains(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Name.StartsWith(text, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .Select(c => c.Conversation)
            .ToList();
        _found.Clear();
        _found.AddRange(ranked);
        for (var i = _labels.Count - 1; i >= 0; i--)
        {
            _labels.RemoveAt(i); // item by item: see ChatWindow.Empty
        }

        foreach (var conversation in ranked)
        {
            _labels.Add(Piazza.Protocol.PrintableText.Escape(conversation.IsPrivate ? conversation.ListLabel : "#" + conversation.ListLabel));
        }

        _matches.SelectedItem = ranked.Count > 0 ? 0 : null;
    }

    private void Choose()
    {
        var index = _matches.SelectedItem ?? -1;
        if (index < 0 || index >= _found.Count)
        {
            return; // nothing matches: stay open so the user can correct the text
        }

        var chosen = _found[index];
        Close();
        Chosen?.Invoke(chosen);
    }
}
