using Piazza.Client;
using Piazza.Tui;
using Terminal.Gui.App;

namespace Piazza.IntegrationTests.Tui;

/// <summary>A chat window running headless with its client; disposing ends and frees all of it.</summary>
internal sealed record HeadlessChat(HeadlessUi Ui, ChatWindow Window, SessionToken Session, PiazzaClient Client) : IAsyncDisposable
{
    /// <summary>Connects as <paramref name="settings"/> say, opens the window at the given size and waits for its welcome line.</summary>
    public static async Task<HeadlessChat> StartAsync(ConnectSettings settings, int width = 110, int height = 32)
    {
        var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();
        var ui = new HeadlessUi(width, height);
        var window = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(window);
        ui.PumpUntil(() => window.State.Lines.Any(l => l.Text.StartsWith($"connected as {settings.User}", StringComparison.Ordinal)), "the welcome line");
        return new HeadlessChat(ui, window, session, client);
    }

    public void Deconstruct(out HeadlessUi ui, out ChatWindow window)
    {
        ui = Ui;
        window = Window;
    }

    public async ValueTask DisposeAsync()
    {
        Ui.App.End(Session);
        Window.Dispose();
        await Client.DisposeAsync();
        Ui.Dispose();
    }
}
