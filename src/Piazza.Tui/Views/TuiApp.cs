using Terminal.Gui.App;

namespace Piazza.Tui;

/// <summary>The interactive client: login window, then chat window, back to login (with the reason) if the connection ends.</summary>
internal static class TuiApp
{
    /// <summary>Runs the UI on the calling thread until the user quits; Terminal.Gui wants one thread throughout.</summary>
    public static int Run(ConnectSettings settings)
    {
        // Running a window installs Terminal.Gui's main-loop context on this thread; put the caller's back afterwards
        // so awaits after the UI has closed do not wait for a loop that no longer turns.
        var callerContext = SynchronizationContext.Current;
        try
        {
            return RunWindows(settings);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(callerContext);
        }
    }

    private static int RunWindows(ConnectSettings settings)
    {
        using var app = Application.Create().Init();
        string? notice = null;
        var connectAtOnce = !string.IsNullOrWhiteSpace(settings.User);
        while (true)
        {
            var login = new LoginWindow(app, settings, notice);
            if (connectAtOnce)
            {
                // With --user there is nothing to ask: start connecting on the first loop iteration (a wrong password or a
                // registered name opens the dialog with the explanation).
                app.AddTimeout(TimeSpan.Zero, () =>
                {
                    login.StartConnect(settings.Mode);
                    return false;
                });
            }

            app.Run(login);
            var client = login.Client;
            settings = login.Settings;
            login.Dispose();
            if (client is null)
            {
                return 0;
            }

            string? lost;
            using (var chat = new ChatWindow(app, client, settings))
            {
                app.Run(chat);
                lost = chat.LostNotice;
            }

            // Blocking is deliberate: the next window must run on this same thread, and closing takes at most ~2 s.
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();

            if (lost is null)
            {
                return 0;
            }

            notice = lost;
            connectAtOnce = false;
        }
    }
}
