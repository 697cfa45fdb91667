namespace Piazza.Tui;

/// <summary>
/// The lines the user sent, recalled with ↑/↓ as in a shell, irssi or weechat. Walking away from a half-typed line
/// keeps it: ↓ past the newest entry brings it back.
/// </summary>
internal sealed class InputHistory
{
    /// <summary>Enough for a session; the oldest entries go first.</summary>
    private const int Capacity = 200;

    private readonly List<string> _entries = [];
    private int _position; // _entries.Count means "the line being typed"
    private string _draft = "";

    /// <summary>Remembers a sent line (not blank, not a repeat of the last one) and returns to the end.</summary>
    public void Add(string line)
    {
        if (!string.IsNullOrWhiteSpace(line) && (_entries.Count == 0 || _entries[^1] != line))
        {
            _entries.Add(line);
            if (_entries.Count > Capacity)
            {
                _entries.RemoveAt(0);
            }
        }

        _position = _entries.Count;
        _draft = "";
    }

    /// <summary>The older entry, given what is typed now; null at the oldest.</summary>
    public string? Older(string current)
    {
        if (_position == 0)
        {
            return null;
        }

        if (_position == _entries.Count)
        {
            _draft = current;
        }

        return _entries[--_position];
    }

    /// <summary>The newer entry, or the line that was being typed; null when already there.</summary>
    public string? Newer()
    {
        if (_position >= _entries.Count)
        {
            return null;
        }

        _position++;
        return _position == _entries.Count ? _draft : _entries[_position];
    }
}
