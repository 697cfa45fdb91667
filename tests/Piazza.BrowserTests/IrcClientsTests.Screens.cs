namespace Piazza.BrowserTests;

public sealed partial class IrcClientsTests
{
    /// <summary>What each client showed at the end (and irssi's and weechat's server windows with the SASL outcome).</summary>
    private sealed record Screens(string IrssiStatus, string Irssi, string WeechatServer, string Weechat, string Tui, byte[] Browser);

    /// <summary>Beside the tests always; into docs/irc/ too when PIAZZA_CAPTURE_DOCS=1 (docs/irc/README.md).</summary>
    private static async Task SaveAsync(Screens screens)
    {
        var folders = new List<string> { Path.Combine(AppContext.BaseDirectory, "irc") };
        if (Environment.GetEnvironmentVariable("PIAZZA_CAPTURE_DOCS") == "1")
        {
            var root = new DirectoryInfo(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Piazza.slnx")))
            {
                root = root.Parent;
            }

            Assert.NotNull(root);
            folders.Add(Path.Combine(root.FullName, "docs", "irc"));
        }

        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(Path.Combine(folder, "irssi.txt"), screens.Irssi + "\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "irssi-status.txt"), screens.IrssiStatus + "\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "weechat.txt"), screens.Weechat + "\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "weechat-server.txt"), screens.WeechatServer + "\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "tui.txt"), screens.Tui + "\n");
            await File.WriteAllBytesAsync(Path.Combine(folder, "browser.png"), screens.Browser);
        }
    }
}
