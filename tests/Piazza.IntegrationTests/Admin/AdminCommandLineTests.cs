using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.IntegrationTests.Rest;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Admin;

/// <summary><c>piazza-server admin …</c> through the real executable: on the data folder, and on a running server with --url and --token.</summary>
public sealed partial class AdminCommandLineTests
{
    [Fact]
    public async Task On_the_data_folder_the_operator_lists_rooms_sets_owners_disables_resets_bans_and_reads_the_audit_and_a_server_sees_it()
    {
        var data = Directory.CreateTempSubdirectory("piazza-admin-cli-").FullName;
        try
        {
            await using (var server = await TestServer.StartInAsync(data))
            {
                using var http = server.CreateHttpClient();
                var bob = await http.RegisterTokenAsync("bob");
                await http.RegisterTokenAsync("carol");
                Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Post, "/api/rooms", bob, new { room = "hideout", @private = true })).Status);
                await server.StopKeepingDataAsync();
            }

            var rooms = await RunAsync(data, "rooms");
            Assert.True(rooms.Code == 0, rooms.Output);
            Assert.Matches(@"#hideout\s+private\s+owner bob\s+members 1", rooms.Output);
            Assert.Contains("#lobby", rooms.Output, StringComparison.Ordinal);
            var paged = await RunAsync(data, "rooms", "--limit", "1");
            Assert.Contains("(more: --cursor hideout)", paged.Output, StringComparison.Ordinal);

            var owner = await RunAsync(data, "set-owner", "hideout", "carol");
            Assert.True(owner.Code == 0, owner.Output);
            Assert.Contains("'carol' owns 'hideout' now", owner.Output, StringComparison.Ordinal);

            var disabled = await RunAsync(data, "disable", "bob", "--reason", "on leave");
            Assert.True(disabled.Code == 0, disabled.Output);
            var reset = await RunAsync(data, "reset-password", "carol");
            Assert.True(reset.Code == 0, reset.Output);
            var temporary = TemporaryPassword().Match(reset.Output).Groups[1].Value;
            Assert.Equal(20, temporary.Length);
            Assert.Equal(0, (await RunAsync(data, "ban", "--address", "10.1.2.3", "--reason", "scanner")).Code);
            Assert.Equal(0, (await RunAsync(data, "unban", "--address", "10.1.2.3")).Code);

            // Refusals are exit 1 and say why; what needs a running server is exit 2 and says so; bad usage is 2.
            var ghost = await RunAsync(data, "disable", "ghost");
            Assert.Equal(1, ghost.Code);
            Assert.Contains("there is no account 'ghost'", ghost.Output, StringComparison.Ordinal);
            foreach (var live in new[] { new[] { "users" }, ["kick", "bob"], ["announce", "hello"] })
            {
                var refused = await RunAsync(data, live);
                Assert.Equal(2, refused.Code);
                Assert.Contains("needs a running server: pass --url URL and --token TOKEN", refused.Output, StringComparison.Ordinal);
            }

            Assert.Equal(2, (await RunAsync(data, "ban", "bob", "--address", "10.1.2.3")).Code);

            var audit = await RunAsync(data, "audit", "--limit", "3");
            Assert.True(audit.Code == 0, audit.Output);
            var lines = audit.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains("unban", lines[0], StringComparison.Ordinal); // newest first
            Assert.Contains(lines, l => l.Contains("operator", StringComparison.Ordinal) && l.Contains("password-reset", StringComparison.Ordinal) && l.Contains("carol", StringComparison.Ordinal));
            Assert.DoesNotContain(temporary, audit.Output, StringComparison.Ordinal);
            var more = MoreCursor().Match(audit.Output);
            Assert.True(more.Success, audit.Output);
            var older = await RunAsync(data, "audit", "--cursor", more.Groups[1].Value);
            Assert.Contains(older.Output.Split('\n'), l => l.Contains("disable", StringComparison.Ordinal) && l.Contains("reason: on leave", StringComparison.Ordinal));
            Assert.Contains(older.Output.Split('\n'), l => l.Contains("owner", StringComparison.Ordinal) && l.Contains("#hideout", StringComparison.Ordinal));

            // A server started on the folder: bob is disabled, carol logs in with the temporary password and owns the room.
            await using (var server = await TestServer.StartInAsync(data))
            {
                using var http = server.CreateHttpClient();
                var (status, body, _) = await http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = "bob", password = Password });
                Assert.Equal((HttpStatusCode.Forbidden, "account_disabled"), (status, body.Code()));
                Assert.Equal(HttpStatusCode.Unauthorized, (await http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = "carol", password = Password })).Status);
                var carol = await http.LoginTokenAsync("carol", temporary);
                Assert.Equal(HttpStatusCode.Created, (await http.CallAsync(HttpMethod.Put, "/api/rooms/hideout/members/me", carol)).Status); // an owner needs no invitation
                var (_, info, _) = await http.CallAsync(HttpMethod.Get, "/api/rooms/hideout", carol);
                Assert.Equal("carol", info!["owner"]!.GetValue<string>());
                await server.StopKeepingDataAsync();
            }

            Assert.Equal(0, (await RunAsync(data, "enable", "bob")).Code);
        }
        finally
        {
            // A failing test's server deletes its folder as it is disposed; the failure, not this, is what to see.
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    [Fact]
    public async Task With_url_and_token_the_commands_act_on_a_running_server_at_once_and_refusals_and_bad_addresses_have_their_exit_codes()
    {
        var data = Directory.CreateTempSubdirectory("piazza-admin-url-").FullName;
        Process? process = null;
        try
        {
            Assert.Equal(0, (await RunAsync(data, "create", "boss", "--password", Password, "--create")).Code);
            (process, var tcpPort, var httpBase) = await StartServerAsync(data);
            using var http = new HttpClient { BaseAddress = httpBase };
            var token = await http.LoginTokenAsync("boss");
            var (bob, _) = await RegisterAsync(tcpPort, "bob");
            await using var bobClient = bob;
            await JoinRoomAsync(bob, "dev");
            var url = httpBase.ToString();

            var users = await RunAsync(null, "users", "--url", url, "--token", token);
            Assert.True(users.Code == 0, users.Output);
            Assert.Matches(@"bob\s+rooms: (dev, lobby|lobby, dev)", users.Output);
            Assert.Contains("127.0.0.1", users.Output, StringComparison.Ordinal);

            var announced = await RunAsync(null, "announce", "back in five", "--url", url, "--token", token);
            Assert.True(announced.Code == 0, announced.Output);
            var message = await bob.ReadUntilAsync(f => f.Type() == "message" && f.Str("text") == "back in five");
            Assert.Equal("server", message.Str("from"));

            // Disabling through the API ends bob's live session at once.
            var disabled = await RunAsync(null, "disable", "bob", "--url", url, "--token", token);
            Assert.True(disabled.Code == 0, disabled.Output);
            await bob.ReadUntilAsync(f => f.Type() == "error" && f.Str("code") == "session_revoked");
            Assert.True(await bob.WaitForCloseAsync());
            Assert.Equal(0, (await RunAsync(null, "enable", "bob", "--url", url, "--token", token)).Code);
            var (again, _) = await LoginAsync(tcpPort, "bob");
            await using var againClient = again;

            var kicked = await RunAsync(null, "kick", "bob", "--reason", "bye", "--url", url, "--token", token);
            Assert.True(kicked.Code == 0, kicked.Output);
            Assert.True(await again.WaitForCloseAsync());

            var reset = await RunAsync(null, "reset-password", "bob", "--url", url, "--token", token);
            Assert.True(reset.Code == 0, reset.Output);
            Assert.Equal(HttpStatusCode.OK, (await http.CallAsync(HttpMethod.Post, "/api/login", null, new { user = "bob", password = TemporaryPassword().Match(reset.Output).Groups[1].Value })).Status);

            var audit = await RunAsync(null, "audit", "--url", url, "--token", token);
            Assert.True(audit.Code == 0, audit.Output);
            foreach (var action in new[] { "users", "announce", "disable", "enable", "kick", "password-reset" })
            {
                Assert.Contains(audit.Output.Split('\n'), l => l.Contains("boss", StringComparison.Ordinal) && l.Contains($" {action} ", StringComparison.Ordinal));
            }

            // Refused by the server (a user's token, an unknown account): 1. No server, a bad URL, no token: 2.
            var bobToken = await http.LoginTokenAsync("bob", TemporaryPassword().Match(reset.Output).Groups[1].Value);
            var notAdmin = await RunAsync(null, "rooms", "--url", url, "--token", bobToken);
            Assert.Equal(1, notAdmin.Code);
            Assert.Contains("forbidden", notAdmin.Output, StringComparison.Ordinal);
            Assert.Equal(1, (await RunAsync(null, "disable", "ghost", "--url", url, "--token", token)).Code);
            var unreachable = await RunAsync(null, "rooms", "--url", "http://127.0.0.1:9/", "--token", token);
            Assert.Equal(2, unreachable.Code);
            Assert.Contains("cannot use http://127.0.0.1:9/", unreachable.Output, StringComparison.Ordinal);
            Assert.Equal(2, (await RunAsync(null, "rooms", "--url", "ftp://example", "--token", token)).Code);
            Assert.Equal(2, (await RunAsync(null, "rooms", "--url", url)).Code);
        }
        finally
        {
            if (process is not null)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                process.Dispose();
            }

            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>Runs <c>piazza-server admin ARGS</c> (on <paramref name="data"/> when given): exit code, stdout and stderr together.</summary>
    private static async Task<(int Code, string Output)> RunAsync(string? data, params string[] args)
    {
        var info = ServerProcess.DescribeCommand(["admin", .. args, .. data is null ? Array.Empty<string>() : ["--data", data]]);
        info.Environment["PIAZZA_PASSWORDITERATIONS"] = "1000";
        info.Environment.Remove("PIAZZA_ADMIN_PASSWORD");
        info.Environment.Remove("PIAZZA_ADMIN_TOKEN");
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Starts the real server on <paramref name="data"/> with every door on port 0: its native port and HTTP address.</summary>
    private static async Task<(Process Process, int TcpPort, Uri HttpBase)> StartServerAsync(string data)
    {
        var info = ServerProcess.Describe("--port", "0", "--bind", "127.0.0.1", "--data", data);
        info.Environment["PIAZZA_PASSWORDITERATIONS"] = "1000";
        var process = Process.Start(info)!;
        _ = process.StandardError.ReadToEndAsync();
        int? tcp = null;
        Uri? web = null;
        while (tcp is null || web is null)
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? throw new InvalidOperationException("the server exited before listening");
            if (TcpLine().Match(line) is { Success: true } t)
            {
                tcp = int.Parse(t.Groups[1].Value, CultureInfo.InvariantCulture);
            }
            else if (HttpLine().Match(line) is { Success: true } h)
            {
                web = new Uri($"http://127.0.0.1:{h.Groups[1].Value}/");
            }
        }

        _ = process.StandardOutput.ReadToEndAsync();
        return (process, tcp.Value, web);
    }

    [GeneratedRegex(@"temporary password for '[^']+': (\S+)")]
    private static partial Regex TemporaryPassword();

    [GeneratedRegex(@"\(more: --cursor (\d+)\)")]
    private static partial Regex MoreCursor();

    [GeneratedRegex(@"listening on tcp://[^:]+:(\d+)")]
    private static partial Regex TcpLine();

    [GeneratedRegex(@"Web client on http://[^ ]*:(\d+)/")]
    private static partial Regex HttpLine();
}
