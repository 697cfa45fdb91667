using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary><c>--plain</c> with files: /upload shares into the room and the file line is printed; /download saves.</summary>
public sealed class PlainModeFileTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("piazza-plain-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Upload_shares_the_file_and_prints_its_line_and_download_saves_it()
    {
        await using var server = await TestServer.StartAsync();
        var (carolSetup, _) = await ProtocolSteps.RegisterAsync(server.Port, "carol");
        await carolSetup.DisposeAsync();
        var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
        await using var bobClient = bob;
        var path = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(path, "plain notes\n");
        var settings = new ConnectSettings("127.0.0.1", server.Port, "carol") { Password = ProtocolSteps.Password };
        var output = new StringWriter();
        var error = new StringWriter();

        var exit = await PlainMode.RunAsync(settings, new StringReader($"/upload {path}\n"), output, error).WaitAsync(Timeout);

        Assert.Equal((0, ""), (exit, error.ToString()));
        var shared = await bob.ReadUntilAsync(f => f.Type() == "message" && f["file"] is not null, Timeout);
        var id = shared["file"]!["id"]!.GetValue<string>();
        var shortId = id[..ChatState.ShortFileIdLength];
        Assert.Contains($"<carol> [file] notes.txt · 12 B · /download {shortId}", output.ToString(), StringComparison.Ordinal);

        // A new session's first line may run before the lobby's history is replayed: a script gives the full id.
        var into = Directory.CreateDirectory(Path.Combine(_folder, "in")).FullName;
        output = new StringWriter();
        exit = await PlainMode.RunAsync(settings, new StringReader($"/download {id} {into}\n"), output, error).WaitAsync(Timeout);

        Assert.Equal((0, ""), (exit, error.ToString()));
        Assert.Contains($"* saved notes.txt (12 B) to {Path.Combine(into, "notes.txt")}", output.ToString(), StringComparison.Ordinal);
        Assert.Equal("plain notes\n", await File.ReadAllTextAsync(Path.Combine(into, "notes.txt")));
    }
}
