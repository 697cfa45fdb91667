namespace Piazza.Tui;

/// <summary>Bots (docs/protocol.md, "Tokens, sessions and bots"): who is a bot, from the user lists, for the people list's [bot] tag.</summary>
internal sealed partial class ChatState
{
    private readonly HashSet<string> _bots = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="user"/> is a bot account, as the server's user lists said.</summary>
    public bool IsBot(string user) => _bots.Contains(user);

    private void RememberBot(string user, bool bot)
    {
        if (bot)
        {
            _bots.Add(user);
        }
        else
        {
            _bots.Remove(user);
        }
    }
}
