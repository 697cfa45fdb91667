using System.CommandLine;
using Piazza.Core;
using Piazza.Core.Storage;
using Piazza.Server.Options;

namespace Piazza.Server.Keep;

/// <summary>
/// <c>piazza-server export --room NAME [--format json|text]</c> and <c>export --user NAME</c>: a room's whole history,
/// or one account's own data, for moving away or for a records request (docs/backup.md). Reads the store in pages and
/// writes as it reads, so a room of any size streams; works on the data folder or with --postgres, server running or not.
/// </summary>
internal static class ExportCommand
{
    public const string Json = "json";

    public const string Text = "text";

    public static Command Create(CommandLineFlags flags)
    {
        KeepHost.ShareFlags(flags);
        var room = new Option<string?>("--room") { Description = "export this room's history (every message, in seq order)" };
        var user = new Option<string?>("--user") { Description = "export this account's own data: account, messages, uploads, memberships (JSON)" };
        var format = new Option<string>("--format") { Description = "json or text (rooms; default json)", DefaultValueFactory = _ => Json };
        format.AcceptOnlyFromAmong(Json, Text);
        var output = new Option<string?>("--out") { Description = "write to this file (whole or not at all, owner-only) instead of standard output" };
        var command = new Command("export", "export a room's history or a user's own data (JSON or text); see docs/backup.md") { room, user, format, output };
        command.SetAction((parse, ct) => KeepHost.GuardAsync(async () =>
        {
            var (roomName, userName, asText) = (parse.GetValue(room), parse.GetValue(user), parse.GetValue(format) == Text);
            if ((roomName is null) == (userName is null))
            {
                throw new KeepException("export needs exactly one of --room NAME or --user NAME");
            }

            if (userName is not null && asText)
            {
                throw new KeepException("a user export is JSON only (--format json)");
            }

            return await KeepHost.WithStoreAsync(flags, parse, async (store, _) =>
            {
                // Found before any output: a missing room or account writes no file.
                Func<Stream, Task> write;
                if (roomName is not null)
                {
                    var found = await store.FindRoomAsync(RoomNamePolicy.Fold(roomName.TrimStart('#')), ct).ConfigureAwait(false)
                        ?? throw new KeepException($"no room '{roomName}'");
                    write = stream => asText ? RoomExport.WriteTextAsync(store, found, stream, ct) : RoomExport.WriteJsonAsync(store, found, stream, ct);
                }
                else
                {
                    var account = await store.FindAccountAsync(UserNamePolicy.Fold(userName!), ct).ConfigureAwait(false)
                        ?? throw new KeepException($"no account '{userName}'");
                    write = stream => UserExport.WriteJsonAsync(store, account, stream, ct);
                }

                if (parse.GetValue(output) is { } path)
                {
                    await KeepHost.WriteAtomicallyAsync(path, write).ConfigureAwait(false);
                    await System.Console.Error.WriteLineAsync($"exported to {Path.GetFullPath(path)}").ConfigureAwait(false);
                }
                else
                {
                    var stdout = System.Console.OpenStandardOutput();
                    await using (stdout.ConfigureAwait(false))
                    {
                        await write(stdout).ConfigureAwait(false);
                    }
                }

                return 0;
            }).ConfigureAwait(false);
        }));
        return command;
    }
}
