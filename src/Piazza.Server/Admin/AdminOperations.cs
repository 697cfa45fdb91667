using System.CommandLine;
using System.Globalization;
using Piazza.Core.Storage;
using Piazza.Server.Doors.Http;

namespace Piazza.Server.Admin;

/// <summary>
/// The admin API's operations as commands (docs/admin.md): each on the data folder as the operator, or with
/// <c>--url URL --token TOKEN</c> on a running server; <c>users</c>, <c>kick</c> and <c>announce</c> need a running server.
/// </summary>
internal static class AdminOperations
{
    /// <summary>Where <c>--token</c> is read from when not given (so it need not be on a command line others can read).</summary>
    public const string TokenVariable = "PIAZZA_ADMIN_TOKEN";

    public static void AddTo(Command admin, Option<string?> data, Option<bool> createData)
    {
        var url = new Option<string?>("--url") { Description = "act on the running server at URL (its HTTP door, e.g. https://chat.example.org) instead of the data folder", Recursive = true };
        var token = new Option<string?>("--token") { Description = $"an admin's session token for --url (POST /api/login; else ${TokenVariable})", Recursive = true };
        admin.Options.Add(url);
        admin.Options.Add(token);
        var runner = new Runner(data, createData, url, token);

        var cursor = new Option<string?>("--cursor") { Description = "start after this (the 'next' a previous page printed)" };
        var limit = new Option<int?>("--limit") { Description = "entries per page (1 to 500, default 100)" };
        var reason = new Option<string?>("--reason") { Description = "why (kept in the audit log)" };

        var users = new Command("users", "list the users online: each connection's door, address and start, and their rooms (needs --url)") { cursor, limit };
        users.SetAction((parse, ct) => runner.RunAsync(parse, (t, o) => PrintUsersAsync(t, o, parse.GetValue(cursor), parse.GetValue(limit), ct)));

        var kickUser = new Argument<string>("USER");
        var kick = new Command("kick", "disconnect every connection of USER, on every node (needs --url)") { kickUser, reason };
        kick.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => Done(o, await t.KickAsync(parse.GetRequiredValue(kickUser), parse.GetValue(reason), ct).ConfigureAwait(false), r => $"kicked '{r.User}'")));

        var banUser = new Argument<string?>("USER") { Arity = ArgumentArity.ZeroOrOne };
        var address = new Option<string?>("--address") { Description = "an IP address (IPv6: its /64) instead of a user" };
        var duration = new Option<double?>("--duration") { Description = "seconds the ban lasts (default: until lifted)" };
        var ban = new Command("ban", "ban USER (or --address) from the server") { banUser, address, duration, reason };
        ban.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => One(parse.GetValue(banUser), parse.GetValue(address)) is { } usage ? Usage(usage)
            : Done(o, await t.BanAsync(parse.GetValue(banUser), parse.GetValue(address), new ModerationBody(null, parse.GetValue(reason), parse.GetValue(duration), null), ct).ConfigureAwait(false),
                r => $"banned '{r.User ?? r.Address}'{(r.Until is { } until ? " until " + until : "")}")));

        var unbanUser = new Argument<string?>("USER") { Arity = ArgumentArity.ZeroOrOne };
        var unbanAddress = new Option<string?>("--address") { Description = "lift an address ban instead" };
        var unban = new Command("unban", "lift the server ban of USER (or --address)") { unbanUser, unbanAddress };
        unban.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => One(parse.GetValue(unbanUser), parse.GetValue(unbanAddress)) is { } usage ? Usage(usage)
            : Done(o, await t.UnbanAsync(parse.GetValue(unbanUser), parse.GetValue(unbanAddress), ct).ConfigureAwait(false), _ => $"lifted the ban of '{parse.GetValue(unbanUser) ?? parse.GetValue(unbanAddress)}'")));

        var rooms = new Command("rooms", "list every room, private ones included, with owner, members and users present") { cursor, limit };
        rooms.SetAction((parse, ct) => runner.RunAsync(parse, (t, o) => PrintRoomsAsync(t, o, parse.GetValue(cursor), parse.GetValue(limit), ct)));

        var ownerRoom = new Argument<string>("ROOM");
        var ownerUser = new Argument<string>("USER");
        var setOwner = new Command("set-owner", "make the account USER the owner of ROOM") { ownerRoom, ownerUser, reason };
        setOwner.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => Done(o, await t.SetOwnerAsync(parse.GetRequiredValue(ownerRoom), parse.GetRequiredValue(ownerUser), parse.GetValue(reason), ct).ConfigureAwait(false), r => $"'{r.Owner}' owns '{r.Room}' now")));

        var messageId = new Argument<string>("ID") { Description = "the message's id (msg)" };
        var deleteMessage = new Command("delete-message", "delete a message in any room") { messageId };
        deleteMessage.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => Done(o, await t.DeleteMessageAsync(parse.GetRequiredValue(messageId), ct).ConfigureAwait(false), r => string.Create(CultureInfo.InvariantCulture, $"deleted message {r.Msg} (#{r.Room}, seq {r.Seq})"))));

        var text = new Argument<string>("TEXT");
        var announce = new Command("announce", "send TEXT to the lobby from 'server' (needs --url)") { text };
        announce.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => Done(o, await t.AnnounceAsync(parse.GetRequiredValue(text), ct).ConfigureAwait(false), r => string.Create(CultureInfo.InvariantCulture, $"announced in #{r.Room} (seq {r.Seq})"))));

        var audit = new Command("audit", "print the audit log, newest first, a page at a time") { cursor, limit };
        audit.SetAction((parse, ct) => runner.RunAsync(parse, (t, o) => PrintAuditAsync(t, o, parse.GetValue(cursor), parse.GetValue(limit), ct)));

        var resetUser = new Argument<string>("USER");
        var reset = new Command("reset-password", "give USER a temporary password (printed once), revoke its tokens and end its sessions") { resetUser, reason };
        reset.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => Done(o, await t.ResetPasswordAsync(parse.GetRequiredValue(resetUser), parse.GetValue(reason), ct).ConfigureAwait(false),
            r => $"temporary password for '{r.User}': {r.Password}{Environment.NewLine}(every token of the account was revoked; the user should change it at once)")));

        var disableUser = new Argument<string>("USER");
        var disable = new Command("disable", "disable USER: no login or token of it works, its live sessions end") { disableUser, reason };
        disable.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => Done(o, await t.SetDisabledAsync(parse.GetRequiredValue(disableUser), true, parse.GetValue(reason), ct).ConfigureAwait(false), r => $"'{r.User}' is disabled")));

        var enableUser = new Argument<string>("USER");
        var enable = new Command("enable", "enable USER again") { enableUser, reason };
        enable.SetAction((parse, ct) => runner.RunAsync(parse, async (t, o) => Done(o, await t.SetDisabledAsync(parse.GetRequiredValue(enableUser), false, parse.GetValue(reason), ct).ConfigureAwait(false), r => $"'{r.User}' is enabled")));

        foreach (var command in new[] { users, kick, ban, unban, rooms, setOwner, deleteMessage, announce, audit, reset, disable, enable })
        {
            admin.Subcommands.Add(command);
        }
    }

    private static string? One(string? user, string? address)
        => (user is null) == (address is null) ? "name a USER or give --address, not both" : null;

    private static int Usage(string problem)
    {
        System.Console.Error.WriteLine($"piazza-server: {problem}");
        return 2;
    }

    /// <summary>Prints the outcome (or the refusal on stderr) and returns the exit code.</summary>
    private static int Done<T>(TextWriter output, AdminReply<T> reply, Func<T, string> describe)
    {
        if (reply.Code != 0)
        {
            System.Console.Error.WriteLine($"piazza-server: {reply.Error}");
            return reply.Code;
        }

        output.WriteLine(describe(reply.Value!));
        return 0;
    }

    private static async Task<int> PrintUsersAsync(IAdminTarget target, TextWriter output, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var page = await target.UsersAsync(cursor, limit, cancellationToken).ConfigureAwait(false);
        return Done(output, page, users =>
        {
            var lines = users.Count == 0 ? ["nobody is online"] : users.SelectMany(u => new[]
            {
                $"{Safe(u.User)}{(u.Admin == true ? " (admin)" : "")}{(u.Bot == true ? " (bot)" : "")}{(u.Guest == true ? " (guest)" : "")}  rooms: {string.Join(", ", u.Rooms.Select(Safe))}",
            }.Concat(u.Sessions.Select(s => $"    {Safe(s.Node)}  {s.Door ?? "-"}  {Dash(s.Address)}  since {s.Since}"))).ToList();
            return string.Join(Environment.NewLine, lines.Append(More(page.Next)).OfType<string>());
        });
    }

    private static async Task<int> PrintRoomsAsync(IAdminTarget target, TextWriter output, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var page = await target.RoomsAsync(cursor, limit, cancellationToken).ConfigureAwait(false);
        return Done(output, page, rooms => string.Join(Environment.NewLine, rooms
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"#{Safe(r.Room),-24} {(r.Private ? "private" : "public"),-8} owner {Dash(r.Owner),-16} members {r.Members,-5} present {r.Present,-5} {Safe(r.Topic)}").TrimEnd())
            .Append(More(page.Next)).OfType<string>()));
    }

    private static async Task<int> PrintAuditAsync(IAdminTarget target, TextWriter output, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var page = await target.AuditAsync(cursor, limit, cancellationToken).ConfigureAwait(false);
        return Done(output, page, entries => string.Join(Environment.NewLine, (entries.Count == 0 ? ["the audit log is empty"] : entries
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Id,6}  ") + AdminCommands.FormatAuditLine(new AuditRecord(e.Id, DateTimeOffset.Parse(e.At, CultureInfo.InvariantCulture), e.Actor, e.Action, e.Target, e.Room, e.Reason, e.Detail))))
            .Append(More(page.Next)).OfType<string>()));
    }

    private static string? More(string? next) => next is null ? null : $"(more: --cursor {next})";

    private static string Safe(string? text) => Protocol.PrintableText.Escape(text);

    private static string Dash(string? text) => text is null ? "-" : Safe(text);

    /// <summary>Runs a command on the chosen target: the running server with --url, else the data folder.</summary>
    private sealed class Runner(Option<string?> data, Option<bool> createData, Option<string?> url, Option<string?> token)
    {
        public async Task<int> RunAsync(ParseResult parse, Func<IAdminTarget, TextWriter, Task<int>> action)
        {
            if (parse.GetValue(url) is not { } address)
            {
                return await AdminCommands.RunAsync(parse.GetValue(data), parse.GetValue(createData), (hub, output) => action(new DataFolderAdmin(hub), output)).ConfigureAwait(false);
            }

            if (!Uri.TryCreate(address, UriKind.Absolute, out var baseAddress) || baseAddress.Scheme is not ("http" or "https"))
            {
                return Usage($"--url must be an http:// or https:// address, not '{address}'");
            }

            var secret = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrEmpty(secret))
            {
                return Usage($"--url needs --token TOKEN (or ${TokenVariable}): an admin's session token from POST /api/login");
            }

            using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
            return await action(new ApiAdmin(http), System.Console.Out).ConfigureAwait(false);
        }
    }
}
