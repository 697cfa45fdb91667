using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Piazza.Core;

namespace Piazza.Server.Admin;

/// <summary>
/// <c>piazza-server admin …</c> (docs/admin.md): <c>create|remove|list</c> manage server admins on the data folder's
/// database directly (no server needs to run; a running one sees admin changes at the user's next login); the
/// operations of <see cref="AdminOperations"/> act on the data folder or, with <c>--url</c>, on a running server's
/// admin API. Works without a terminal: the password comes from --password, PIAZZA_ADMIN_PASSWORD or stdin.
/// Exit codes: 0 done, 1 refused, 2 usage, no database or an unreachable server.
/// </summary>
internal static class AdminCommands
{
    /// <summary>Where <c>admin create</c> reads a password when --password is not given.</summary>
    public const string PasswordVariable = "PIAZZA_ADMIN_PASSWORD";

    public static Command Create(Option<string?> data)
    {
        // A mistyped or relative --data must not quietly become a new, empty folder that answers "no admins".
        var createData = new Option<bool>("--create") { Description = "create the data folder and its database when there is none (else such a folder is refused)", Recursive = true };
        var name = new Argument<string>("NAME") { Description = "account name" };
        var password = new Option<string?>("--password") { Description = $"password for a new account (else ${PasswordVariable}, else one line on stdin)" };
        var create = new Command("create", "make NAME a server admin, creating the account if it does not exist") { name, password };
        create.SetAction((parse, ct) => RunAsync(parse.GetValue(data), parse.GetValue(createData), async (hub, output) =>
        {
            var user = parse.GetRequiredValue(name);
            var secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable(PasswordVariable);
            if (secret is null && System.Console.IsInputRedirected)
            {
                secret = (await System.Console.In.ReadLineAsync(ct).ConfigureAwait(false))?.TrimEnd('\r');
            }

            var result = await hub.GrantAdminAsync(user, string.IsNullOrEmpty(secret) ? null : secret, ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return Fail(result.Error!);
            }

            await output.WriteLineAsync(result.Value ? $"created account '{user}' as a server admin" : $"'{user}' is now a server admin").ConfigureAwait(false);
            return 0;
        }));

        var removeName = new Argument<string>("NAME") { Description = "account name" };
        var remove = new Command("remove", "take server admin away from NAME (the account stays)") { removeName };
        remove.SetAction((parse, ct) => RunAsync(parse.GetValue(data), parse.GetValue(createData), async (hub, output) =>
        {
            var user = parse.GetRequiredValue(removeName);
            var result = await hub.RevokeAdminAsync(user, ct).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                return Fail(result.Error!);
            }

            await output.WriteLineAsync($"'{user}' is no longer a server admin").ConfigureAwait(false);
            return 0;
        }));

        var list = new Command("list", "list the server admins");
        list.SetAction((parse, ct) => RunAsync(parse.GetValue(data), parse.GetValue(createData), async (hub, output) =>
        {
            var admins = await hub.AdminsAsync(ct).ConfigureAwait(false);
            await output.WriteLineAsync(admins.Count == 0 ? "no admins" : string.Join(Environment.NewLine, admins)).ConfigureAwait(false);
            return 0;
        }));

        var admin = new Command("admin", "server administration: admins, users, bans, rooms, the audit log, accounts (on the data folder, or a running server with --url)") { createData, create, remove, list };
        AdminOperations.AddTo(admin, data, createData);
        return admin;
    }

    /// <summary>
    /// One audit entry on one line. Stored text is escaped (<see cref="Protocol.PrintableText"/>): entries written
    /// before reasons were checked may hold control characters, which must neither forge lines nor reach the terminal.
    /// </summary>
    internal static string FormatAuditLine(Core.Storage.AuditRecord e)
    {
        static string Safe(string? text) => Protocol.PrintableText.Escape(text);
        var line = string.Create(CultureInfo.InvariantCulture, $"{e.At.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}  {Safe(e.Actor),-16} {Safe(e.Action),-8} {(e.Target is null ? "-" : Safe(e.Target)),-20} {(e.Room is null ? "server" : "#" + Safe(e.Room)),-16}");
        if (e.Detail is not null)
        {
            line += "  " + Safe(e.Detail);
        }

        if (e.Reason is not null)
        {
            line += "  reason: " + Safe(e.Reason);
        }

        return line;
    }

    internal static int Fail(HubError error)
    {
        System.Console.Error.WriteLine($"piazza-server: {error.Message}");
        return 1;
    }

    internal static async Task<int> RunAsync(string? data, bool createData, Func<ChatHub, TextWriter, Task<int>> action)
    {
        var overrides = new Dictionary<string, string?> { ["Piazza:Console"] = "false" };
        if (data is not null)
        {
            overrides["Piazza:Data"] = data;
        }

        try
        {
            var app = PiazzaHost.Build(overrides, logging => logging.ClearProviders());
            await using (app.ConfigureAwait(false))
            {
                var options = app.Services.GetRequiredService<Options.PiazzaOptions>();
                if (options.Cluster.Postgres is null && !createData && !DataFolder.HoldsDatabase(options.Data))
                {
                    await System.Console.Error.WriteLineAsync($"piazza-server: no Piazza database in {options.Data}; start the server once there, pass --data FOLDER, or --create to make one").ConfigureAwait(false);
                    return 2;
                }

                DataFolder.Prepare(options.Data, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
                var hub = app.Services.GetRequiredService<ChatHub>();
                await hub.InitializeAsync().ConfigureAwait(false);
                return await action(hub, System.Console.Out).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Data.Common.DbException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await System.Console.Error.WriteLineAsync($"piazza-server: {ex.Message}").ConfigureAwait(false);
            return 2;
        }
    }
}
