namespace Piazza.Tui;

/// <summary>What the command controller needs from the view it serves: the window or <c>--plain</c>.</summary>
internal interface IChatHost
{
    /// <summary>Runs a change of the chat state on the state's thread: later on the UI thread, or now under the state's lock.</summary>
    void Post(Action change);

    /// <summary>Reads the chat state safely from the thread that runs the commands.</summary>
    T Read<T>(Func<T> read);

    /// <summary>Whether <c>/msg USER TEXT</c> shows the private conversation (the window) or stays where it is (<c>--plain</c>).</summary>
    bool ShowsPrivateConversations { get; }

    /// <summary>Lines <c>/help</c> adds for this view (keys, progress display).</summary>
    IReadOnlyList<string> ExtraHelp { get; }
}

/// <summary>How a command ended: the user asked to quit, or the connection was lost (with why).</summary>
internal sealed record CommandResult(bool Quit = false, string? ConnectionLost = null)
{
    public static CommandResult Done { get; } = new();
}
