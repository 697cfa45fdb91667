using System.Diagnostics;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Server;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests;

/// <summary>The <c>piazza-server admin</c> commands on a stopped server's data folder, and their effect once it runs.</summary>
public class AdminCommandTests
{
    [Fact]
    public async Task Admin_create_makes_an_admin_who_can_server_ban_and_admin_audit_prints_the_log()
    {
        var data = Directory.CreateTempSubdirectory("piazza-admin-").FullName;
        try
        {
            // A first admin before the first start: the folder has no database yet, so --create says to make one.
            var (code, output) = await RunAdminAsync(data, null, "create", "Boss", "--password", Password, "--create");
            Assert.True(code == 0, output);
            Assert.Contains("created account 'Boss' as a server admin", output, StringComparison.Ordinal);

            // Without a TTY the password can come on stdin too; an existing account is promoted without one.
            var (code2, output2) = await RunAdminAsync(data, "another secret pw\n", "create", "second");
            Assert.True(code2 == 0, output2);
            var (code3, output3) = await RunAdminAsync(data, null, "create", "second");
            Assert.True(code3 == 0, output3);
            Assert.Contains("'second' is now a server admin", output3, StringComparison.Ordinal);
            var (_, list) = await RunAdminAsync(data, null, "list");
            Assert.Equal(["boss", "second"], list.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

            await using (var server = await TestServer.StartInAsync(data))
            {
                await using var boss = await server.LoginAsync("Boss");
                await using var bob = await server.GuestAsync("bob");
                AssertOk(await RequestAsync(boss, new { type = "ban", user = "bob", reason = "spam", duration = 86400, id = "b" }, "b"));
                Assert.True(await bob.WaitForCloseAsync());
                Assert.True(await server.Hub.KickAsync("boss", "console kick test"));
                await server.StopKeepingDataAsync();
            }

            var (auditCode, audit) = await RunAdminAsync(data, null, "audit");
            Assert.True(auditCode == 0, audit);
            var lines = audit.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Contains(lines, l => l.Contains("Boss", StringComparison.Ordinal) && l.Contains(" ban ", StringComparison.Ordinal)
                && l.Contains("bob", StringComparison.Ordinal) && l.Contains("reason: spam", StringComparison.Ordinal) && l.Contains("until", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains("operator", StringComparison.Ordinal) && l.Contains(" kick ", StringComparison.Ordinal) && l.Contains("console kick test", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(" admin ", StringComparison.Ordinal) && l.Contains("account created", StringComparison.Ordinal));

            var (badCode, bad) = await RunAdminAsync(data, null, "create", "ghost");
            Assert.Equal(1, badCode);
            Assert.Contains("give a password", bad, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Admin_refuses_a_folder_without_a_database_naming_it_absolute_and_creates_one_only_with_create()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("piazza-admin-cwd-").FullName;
        var expected = Path.Combine(workingDirectory, "typo-data");
        try
        {
            // A relative --data is the folder under the one the command was typed in, and a missing database is no "no admins".
            var (code, output) = await RunAdminInAsync(workingDirectory, "typo-data", null, "list");
            Assert.Equal(2, code);
            Assert.Equal($"piazza-server: no Piazza database in {expected}; start the server once there, pass --data FOLDER, or --create to make one", output.Trim());
            Assert.False(Directory.Exists(expected));

            var (created, list) = await RunAdminInAsync(workingDirectory, "typo-data", null, "list", "--create");
            Assert.True(created == 0, list);
            Assert.Equal("no admins", list.Trim());
            Assert.True(DataFolder.HoldsDatabase(expected));

            // Once there is a database, no --create is needed.
            var (again, listAgain) = await RunAdminInAsync(workingDirectory, "typo-data", null, "list");
            Assert.True(again == 0, listAgain);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    /// <summary>Runs <c>piazza-server admin …</c> on a data folder, optionally feeding stdin; returns the exit code and all output.</summary>
    private static Task<(int Code, string Output)> RunAdminAsync(string data, string? stdin, params string[] args) => RunAdminInAsync(null, data, stdin, args);

    /// <summary>As <see cref="RunAdminAsync"/>, in <paramref name="workingDirectory"/> (null: the test's own).</summary>
    private static async Task<(int Code, string Output)> RunAdminInAsync(string? workingDirectory, string data, string? stdin, params string[] args)
    {
        var info = ServerProcess.DescribeCommand(["admin", .. args, "--data", data]);
        info.WorkingDirectory = workingDirectory ?? "";
        info.Environment["PIAZZA_PASSWORDITERATIONS"] = "1000";
        info.Environment.Remove("PIAZZA_ADMIN_PASSWORD");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout + await stderr);
    }
}
