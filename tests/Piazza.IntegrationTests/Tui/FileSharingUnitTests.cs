using Piazza.Client;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>The terminal client's file pieces without a view: commands, file lines, sizes, the progress line.</summary>
public sealed class FileSharingUnitTests
{
    private static readonly DateTime Noon = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Local);

    [Theory]
    [InlineData("/upload /tmp/a b.txt", "/tmp/a b.txt")]
    [InlineData("/upload \"/tmp/with space.png\"", "/tmp/with space.png")]
    [InlineData("/UPLOAD ~/x", "~/x")]
    public void Upload_takes_the_whole_rest_of_the_line_as_the_path(string line, string path)
        => Assert.Equal(new ChatCommand.Upload(path), ChatCommand.Parse(line));

    [Fact]
    public void Download_takes_an_id_and_an_optional_destination_and_bad_forms_show_usage()
    {
        Assert.Equal(new ChatCommand.Download("f1", null), ChatCommand.Parse("/download f1"));
        Assert.Equal(new ChatCommand.Download("f1", "/tmp/my copy.bin"), ChatCommand.Parse("/download f1 /tmp/my copy.bin"));
        Assert.Equal(new ChatCommand.Usage("/download ID [DEST]"), ChatCommand.Parse("/download"));
        Assert.Equal(new ChatCommand.Usage("/upload PATH"), ChatCommand.Parse("/upload   "));
        Assert.Equal(new ChatCommand.Cancel(), ChatCommand.Parse("/cancel"));
        Assert.Contains("/upload PATH", ChatCommand.HelpText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(10 * 1024 * 1024, "10.0 MB")]
    [InlineData(3L * 1024 * 1024 * 1024, "3.0 GB")]
    public void Sizes_read_like_people_write_them(long bytes, string shown) => Assert.Equal(shown, ChatLine.FormatSize(bytes));

    [Fact]
    public void A_file_message_shows_caption_name_size_and_the_download_command_in_both_modes()
    {
        var state = new ChatState(now: () => Noon);
        var file = new SharedFile("f9", "report.pdf", 1_258_291, "application/pdf", new string('a', 64));
        state.Apply(new MessageReceived(ChatEvents.Stored("lobby", 1, text: "") with { File = file }, Replayed: false));
        state.Apply(new MessageReceived(ChatEvents.Stored("lobby", 2, text: "the logs") with { File = file }, Replayed: false));

        Assert.Equal("12:00   <bob> [file] report.pdf · 1.2 MB · /download f9", state.Lines[0].ToString());
        Assert.Equal("12:00:00 <bob> the logs [file] report.pdf · 1.2 MB · /download f9", state.Lines[1].ToPlainString());
        Assert.Same(file, state.FindFile("f9"));
        Assert.Null(state.FindFile("nope"));
    }

    [Fact]
    public void File_lines_show_short_ids_longer_only_where_two_files_start_alike_and_any_unambiguous_prefix_finds_one()
    {
        var state = new ChatState(now: () => Noon);
        SharedFile File(string id, string name) => new(id, name, 10, null, null);
        state.Apply(new MessageReceived(ChatEvents.Stored("lobby", 1) with { File = File("3f9a0c2e41d8a1b0c2e7f00112233445", "report.pdf") }, Replayed: true));
        state.Apply(new MessageReceived(ChatEvents.Stored("lobby", 2) with { File = File("77aa00ff41d8a1b0c2e7f00112233445", "photo.png") }, Replayed: false));
        state.Apply(new MessageReceived(ChatEvents.Stored("lobby", 3) with { File = File("3f9a0c2e77d8a1b0c2e7f00112233445", "notes.txt") }, Replayed: false));

        Assert.EndsWith("[file] report.pdf · 10 B · /download 3f9a0c2e", state.Lines[0].Text, StringComparison.Ordinal);
        Assert.EndsWith("[file] photo.png · 10 B · /download 77aa00ff", state.Lines[1].Text, StringComparison.Ordinal);
        Assert.EndsWith("[file] notes.txt · 10 B · /download 3f9a0c2e7", state.Lines[2].Text, StringComparison.Ordinal); // 8 digits would name two
        Assert.Equal("3f9a0c2e4", state.ShortFileId("3f9a0c2e41d8a1b0c2e7f00112233445"));

        Assert.Equal(["photo.png"], state.MatchFiles("77").Select(f => f.Name));
        Assert.Equal(["notes.txt"], state.MatchFiles("3F9A0C2E7").Select(f => f.Name));
        Assert.Equal(2, state.MatchFiles("3f9a").Count);
        Assert.Equal(["report.pdf"], state.MatchFiles("3f9a0c2e41d8a1b0c2e7f00112233445").Select(f => f.Name));
        Assert.Empty(state.MatchFiles("0000"));
    }

    [Fact]
    public void The_progress_line_shows_a_bar_percent_amounts_and_why_a_transfer_waits()
    {
        Assert.Equal(
            "↑ a.bin ████████░░░░░░░░  50% 5.0 MB/10.0 MB · /cancel",
            Transfers.Format("↑", "a.bin", new TransferProgress(5 * 1024 * 1024, 10 * 1024 * 1024), 0));
        Assert.Equal(
            "↓ b.bin ░░░░░░░░░░░░░░░░   0% 0 B/2.0 KB (+1 more) · connection lost; retrying in 1.0 s · /cancel",
            Transfers.Format("↓", "b.bin", new TransferProgress(0, 2048) { Retrying = "connection lost; retrying in 1.0 s" }, 1));
        Assert.StartsWith("↑ empty ████████████████ 100%", Transfers.Format("↑", "empty", new TransferProgress(0, 0), 0), StringComparison.Ordinal);
        Assert.Equal("↑ c.bin starting… · /cancel", Transfers.Format("↑", "c.bin", new TransferProgress(0, -1), 0));
    }
}
