using System.Text.Json.Nodes;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Keep;

/// <summary><c>piazza-server export</c> on a running server's data folder: a room's history, a user's own data, and what it refuses.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ExportTests
{
    [Fact]
    public async Task A_room_export_in_JSON_is_what_the_history_API_answers_and_the_text_form_reads_as_a_log()
    {
        var data = KeepCommand.TempFolder("piazza-export");
        var output = Path.Combine(Path.GetTempPath(), $"piazza-dev-{Guid.NewGuid():N}.json");
        try
        {
            await using var server = await TestServer.StartInAsync(data);
            using var http = new HttpClient { BaseAddress = server.HttpBase };
            var aliceFiles = await TusTestClient.RegisterAsync(http, "alice");
            await using var alice = await server.TokenLoginAsync(aliceFiles.Token);
            await using var bob = await server.RegisterAsync("bob");
            await JoinRoomAsync(alice, "dev");
            await JoinRoomAsync(bob, "dev");
            var fileId = await aliceFiles.UploadAsync(TusTestClient.RandomBytes(1000), "plan.txt");
            var first = await SendOkAsync(alice, "dev", "first", "a1");
            await SendOkAsync(bob, "dev", "hi alice", "b1");
            var oops = await SendOkAsync(alice, "dev", "oops", "a2");
            AssertOk(await RequestAsync(alice, new { type = "send", room = "dev", text = "the plan", file = new { id = fileId }, id = "a3" }, "a3"));
            AssertOk(await RequestAsync(alice, new { type = "edit", msg = first.Str("msg"), text = "hello,\n\tedited", id = "e" }, "e"));
            AssertOk(await RequestAsync(alice, new { type = "delete", room = "dev", msg = oops.Str("msg"), id = "d" }, "d"));

            var (code, stdout, errors) = await KeepCommand.RunAsync("export", "--room", "dev", "--format", "json", "--out", output, "--data", data);
            Assert.True(code == 0, stdout + errors);
            var export = JsonNode.Parse(await File.ReadAllTextAsync(output))!.AsObject();
            Assert.Equal("piazza-room-export", export.Str("format"));
            Assert.Equal("dev", export.Str("room"));
            Assert.Equal(Piazza.Server.DataFolder.OwnerOnlyFile, File.GetUnixFileMode(output));
            var rest = await KeepCommand.RestHistoryAsync(http, aliceFiles.Token, "dev");
            var exported = export["messages"]!.AsArray();
            Assert.Equal(4, rest.Count);
            Assert.Equal(rest.Count, exported.Count);
            for (var i = 0; i < rest.Count; i++)
            {
                Assert.True(JsonNode.DeepEquals(rest[i], exported[i]), $"{rest[i].ToJsonString()} != {exported[i]!.ToJsonString()}");
            }

            Assert.True(exported[2]!["deleted"]!.GetValue<bool>());
            Assert.NotNull(exported[0]!["editedAt"]);
            Assert.Equal("plan.txt", exported[3]!["file"]!["name"]!.GetValue<string>());

            var (textCode, text, textErrors) = await KeepCommand.RunAsync("export", "--room", "#Dev", "--format", "text", "--data", data);
            Assert.True(textCode == 0, textErrors);
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith("# Piazza export of #dev", lines[0], StringComparison.Ordinal);
            Assert.Matches(@"^\S+Z #1 <alice> \[edited \S+Z\] hello,\\n\\tedited$", lines[1]);
            Assert.Matches(@"^\S+Z #2 <bob> hi alice$", lines[2]);
            Assert.Matches(@"^\S+Z #3 <alice> \[deleted by alice\]$", lines[3]);
            Assert.Matches($@"^\S+Z #4 <alice> the plan \[file plan\.txt, 1000 bytes, id {fileId}\]$", lines[4]);
            Assert.Equal("# 4 message(s)", lines[5]);
        }
        finally
        {
            KeepCommand.DeleteFolder(data);
            File.Delete(output);
        }
    }

    [Fact]
    public async Task A_user_export_holds_their_own_data_and_nothing_of_a_private_conversation_between_two_others()
    {
        var data = KeepCommand.TempFolder("piazza-export");
        try
        {
            await using var server = await TestServer.StartInAsync(data);
            using var http = new HttpClient { BaseAddress = server.HttpBase };
            var aliceFiles = await TusTestClient.RegisterAsync(http, "alice");
            await using var alice = await server.TokenLoginAsync(aliceFiles.Token);
            await using var bob = await server.RegisterAsync("bob");
            await using var carol = await server.RegisterAsync("carol");
            await JoinRoomAsync(alice, "dev");
            await JoinRoomAsync(bob, "dev");
            var fileId = await aliceFiles.UploadAsync(TusTestClient.RandomBytes(10), "notes.txt");
            await SendOkAsync(alice, "dev", "alice in dev", "a1");
            await SendOkAsync(bob, "dev", "bob in dev", "b1");
            AssertOk(await RequestAsync(alice, new { type = "send", to = "bob", text = "alice to bob", id = "a2" }, "a2"));
            AssertOk(await RequestAsync(bob, new { type = "send", to = "alice", text = "bob to alice", id = "b2" }, "b2"));
            AssertOk(await RequestAsync(bob, new { type = "send", to = "carol", text = "bob to carol, secret", id = "b3" }, "b3"));
            AssertOk(await RequestAsync(carol, new { type = "send", to = "bob", text = "carol to bob, secret", id = "c1" }, "c1"));

            var (code, stdout, errors) = await KeepCommand.RunAsync("export", "--user", "Alice", "--data", data);
            Assert.True(code == 0, errors);
            Assert.DoesNotContain("secret", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("pbkdf2", stdout, StringComparison.OrdinalIgnoreCase);
            var export = JsonNode.Parse(stdout)!.AsObject();
            Assert.Equal("piazza-user-export", export.Str("format"));
            Assert.Equal("alice", export["account"]!["name"]!.GetValue<string>());
            Assert.Null(export["account"]!["passwordHash"]);
            Assert.Contains("dev", export["rooms"]!.AsArray().Select(r => r!.GetValue<string>()));
            Assert.Equal(["@alice,bob"], export["privateConversations"]!.AsArray().Select(r => r!.GetValue<string>()));
            Assert.Equal(fileId, export["files"]!.AsArray().Single()!["id"]!.GetValue<string>());
            var messages = export["messages"]!.AsArray().Select(m => m!.AsObject()).ToList();
            Assert.All(messages, m => Assert.Equal("alice", m.Str("from")));
            Assert.Equal(["alice to bob", "alice in dev"], messages.Select(m => m.Str("text")));

            // Bob's export has his side of both conversations, and carol's words in neither.
            var (bobCode, bobOut, _) = await KeepCommand.RunAsync("export", "--user", "bob", "--data", data);
            Assert.Equal(0, bobCode);
            Assert.DoesNotContain("carol to bob", bobOut, StringComparison.Ordinal);
            Assert.DoesNotContain("alice to bob", bobOut, StringComparison.Ordinal);
            Assert.Contains("bob to carol, secret", bobOut, StringComparison.Ordinal);
        }
        finally
        {
            KeepCommand.DeleteFolder(data);
        }
    }

    [Fact]
    public async Task Exporting_a_missing_room_account_or_data_folder_says_which_and_writes_no_file()
    {
        var data = KeepCommand.TempFolder("piazza-export");
        var output = Path.Combine(Path.GetTempPath(), $"piazza-none-{Guid.NewGuid():N}.json");
        try
        {
            var (created, _, createErrors) = await KeepCommand.RunAsync("admin", "create", "boss", "--password", Password, "--create", "--data", data);
            Assert.True(created == 0, createErrors);

            var (code, stdout, errors) = await KeepCommand.RunAsync("export", "--room", "nowhere", "--out", output, "--data", data);
            Assert.Equal(2, code);
            Assert.Equal("piazza-server: no room 'nowhere'", errors.Trim());
            Assert.Equal("", stdout);
            Assert.False(File.Exists(output));

            (code, _, errors) = await KeepCommand.RunAsync("export", "--user", "nobody", "--data", data);
            Assert.Equal(2, code);
            Assert.Equal("piazza-server: no account 'nobody'", errors.Trim());

            var missing = KeepCommand.TempFolder("piazza-missing");
            (code, _, errors) = await KeepCommand.RunAsync("export", "--room", "lobby", "--data", missing);
            Assert.Equal(2, code);
            Assert.StartsWith($"piazza-server: no Piazza database in {missing}", errors.Trim(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(missing));

            (code, _, errors) = await KeepCommand.RunAsync("export", "--data", data);
            Assert.Equal(2, code);
            Assert.Contains("exactly one of --room NAME or --user NAME", errors, StringComparison.Ordinal);
        }
        finally
        {
            KeepCommand.DeleteFolder(data);
            File.Delete(output);
        }
    }
}
