using System.Security.Cryptography;
using Piazza.Client;
using Piazza.IntegrationTests.Files;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace Piazza.IntegrationTests.Tui;

/// <summary>/upload and /download typed into the real chat window, headless, against a real server.</summary>
[Collection(TuiCollection.Name)]
public sealed class ChatWindowFileTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-tui-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Upload_shares_the_file_in_the_room_and_download_saves_an_identical_copy()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var bobClient = bob;
        await using var client = await FileTransferClientTests.ConnectAccountAsync(server, "alice");
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
        var path = Path.Combine(_folder, "report.bin");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(200 * 1024));

        using var ui = new HeadlessUi();
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");
            ui.Type($"/upload {path}");
            ui.App.InjectKey(Key.Enter);

            var shared = await bob.ReadUntilAsync(f => f.Type() == "message" && f["file"] is not null, Timeout);
            var file = shared["file"]!.AsObject();
            var id = file["id"]!.GetValue<string>();
            Assert.Equal(("alice", "report.bin", 200L * 1024), (shared.Str("from"), file["name"]!.GetValue<string>(), file["size"]!.GetValue<long>()));
            ui.PumpUntil(() => ui.Screen.Contains("» <alice> [file] report.bin · 200.0 KB", StringComparison.Ordinal), "the file message with name and size", Timeout);
            // The line shows a short id (the full 32 digits wrapped at 80 columns), and /download takes it.
            var shortId = id[..ChatState.ShortFileIdLength];
            Assert.Contains(chat.State.Lines, l => l.File?.Id == id && l.Text.EndsWith($"/download {shortId}", StringComparison.Ordinal));
            ui.PumpUntil(() => chat.TransferCount == 0, "the upload to end", Timeout);

            var copy = Path.Combine(_folder, "copy.bin");
            ui.Type($"/download {shortId} {copy}");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("saved report.bin (200.0 KB)", StringComparison.Ordinal), "the download's confirmation", Timeout);
            Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(copy));
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task A_file_shared_by_someone_else_shows_name_size_and_id_and_downloads_into_a_folder()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await FileTransferClientTests.ConnectAccountAsync(server, "bob");
        await using var client = await FileTransferClientTests.ConnectAccountAsync(server, "alice");
        var settings = new ConnectSettings("127.0.0.1", server.Port, "alice");
        var path = Path.Combine(_folder, "photo.png");
        await File.WriteAllBytesAsync(path, RandomNumberGenerator.GetBytes(3000));
        using var bobFiles = bob.CreateFileTransfer();
        var uploaded = await bobFiles.UploadFileAsync(path).WaitAsync(Timeout);

        using var ui = new HeadlessUi();
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("connected as alice", StringComparison.Ordinal), "the welcome line");
            await bob.SendFileAsync("lobby", uploaded.FileId, "look").WaitAsync(Timeout);
            ui.PumpUntil(() => ui.Screen.Contains("<bob> look [file] photo.png · 2.9 KB", StringComparison.Ordinal), "bob's file message", Timeout);

            var into = Directory.CreateDirectory(Path.Combine(_folder, "downloads")).FullName;
            ui.Type($"/download {uploaded.FileId} {into}");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("saved photo.png", StringComparison.Ordinal), "the download's confirmation", Timeout);
            Assert.Equal(await File.ReadAllBytesAsync(path), await File.ReadAllBytesAsync(Path.Combine(into, "photo.png")));
        }
        finally
        {
            ui.App.End(session);
        }
    }

    [Fact]
    public async Task A_guest_is_told_that_sharing_files_needs_an_account_and_a_missing_file_is_named()
    {
        await using var server = await TestServer.StartAsync();
        var settings = new ConnectSettings("127.0.0.1", server.Port, "visitor");
        await using var client = new PiazzaClient(settings.ToClientOptions(reconnect: true));
        await client.ConnectAsync();
        var path = Path.Combine(_folder, "x.txt");
        await File.WriteAllTextAsync(path, "x");

        using var ui = new HeadlessUi(width: 140);
        using var chat = new ChatWindow(ui.App, client, settings);
        var session = ui.Begin(chat);
        try
        {
            ui.PumpUntil(() => ui.Screen.Contains("connected as visitor", StringComparison.Ordinal), "the welcome line");
            ui.Type($"/upload {path}.missing");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => chat.State.Lines.Any(l => l.Kind == ChatLineKind.Error && l.Text == $"no such file: {path}.missing"), "the missing-file error");

            ui.Type($"/upload {path}");
            ui.App.InjectKey(Key.Enter);
            ui.PumpUntil(() => ui.Screen.Contains("file sharing needs an account", StringComparison.Ordinal), "the guest explanation");
            Assert.Equal(0, chat.TransferCount);
        }
        finally
        {
            ui.App.End(session);
        }
    }
}
