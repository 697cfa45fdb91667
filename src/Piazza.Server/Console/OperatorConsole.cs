using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;
using Piazza.Core;
using Piazza.Server.Connections;

namespace Piazza.Server.Console;

/// <summary>
/// The operator's commands on stdin (users, stats, say, kick, help, quit). Runs only when stdin is a terminal
/// (or when forced with --console); otherwise the server just logs.
/// </summary>
public sealed class OperatorConsole(ChatHub hub, ConnectionRegistry registry, IHostApplicationLifetime lifetime, TextReader input, TextWriter output) : BackgroundService
{
    public const string Help = """
        Operator commands:
          users               who is connected: name, address, door, since, messages sent
          stats               who is online; messages stored (and since start), rooms, accounts, files
          say TEXT            announce TEXT to everyone, from 'server'
          kick NAME [REASON]  disconnect a user
          help                this list
          quit                shut the server down
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Console.In blocks a thread on read; run it off the thread pool's hot path.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            string? line;
            try
            {
                line = await input.ReadLineAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (line is null)
            {
                return; // stdin closed: keep serving, just without the console
            }

            var reply = await ExecuteAsync(line).ConfigureAwait(false);
            if (reply == QuitSignal)
            {
                lifetime.StopApplication();
                return;
            }

            if (reply.Length > 0)
            {
                await output.WriteLineAsync(reply).ConfigureAwait(false);
                await output.FlushAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private const string QuitSignal = "\0quit";

    /// <summary>Runs one command line and returns what to print.</summary>
    public async Task<string> ExecuteAsync(string line)
    {
        var trimmed = line.Trim();
        if (trimmed.Length == 0)
        {
            return "";
        }

        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var command = (space < 0 ? trimmed : trimmed[..space]).ToLowerInvariant();
        var rest = space < 0 ? "" : trimmed[(space + 1)..].Trim();
        switch (command)
        {
            case "users":
                return Users();
            case "stats":
                return await StatsAsync().ConfigureAwait(false);
            case "say" when rest.Length > 0:
                var message = await hub.AnnounceAsync(rest).ConfigureAwait(false);
                return message is null ? "could not store the announcement" : $"announced in lobby as seq {message.Seq}";
            case "kick" when rest.Length > 0:
                var parts = rest.Split(' ', 2, StringSplitOptions.TrimEntries);
                return await hub.KickAsync(parts[0], parts.Length > 1 ? parts[1] : null).ConfigureAwait(false) ? $"kicked {parts[0]}" : $"no user '{parts[0]}'";
            case "help":
            case "?":
                return Help;
            case "quit":
            case "exit":
                return QuitSignal;
            default:
                return $"unknown command '{trimmed}'; type help";
        }
    }

    /// <summary>What is online (this node), what the store holds (all nodes, counted now) and what this node stored since it started.</summary>
    private async Task<string> StatsAsync()
    {
        var online = hub.Sessions;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"online:   {Count(online.Select(s => s.User).Distinct().Count(), "user")} on {Count(online.Count, "session")}, {Count(registry.Count, "open connection")}");
        try
        {
            var stored = await hub.CountStoredAsync().ConfigureAwait(false);
            text.AppendLine(CultureInfo.InvariantCulture, $"messages: {stored.Messages} stored, {hub.MessagesStoredSinceStart} since start");
            text.AppendLine(CultureInfo.InvariantCulture, $"stored:   {Count(stored.Rooms, "room")}, {Count(stored.PrivateConversations, "private conversation")}, {Count(stored.Accounts, "account")}, {Count(stored.Files, "file")}");
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"messages: {hub.MessagesStoredSinceStart} stored since start; the store cannot be counted now ({ex.Message})");
        }

        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var up = DateTime.Now - self.StartTime;
        text.Append(CultureInfo.InvariantCulture, $"memory:   {Count(hub.ConversationsInMemory, "conversation")} loaded; up {(int)up.TotalHours}h {up.Minutes:00}m {up.Seconds:00}s");
        return text.ToString();
    }

    private static string Count(long n, string noun) => string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

    private string Users()
    {
        var sessions = hub.Sessions.OrderBy(s => s.ConnectedAt).ToList();
        if (sessions.Count == 0)
        {
            return "nobody is connected";
        }

        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"NAME",-20} {"KIND",-7} {"ADDRESS",-24} {"DOOR",-5} {"SINCE",-8} {"SENT",6}  ROOMS");
        foreach (var s in sessions)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{s.Name,-20} {(s.User.IsRegistered ? "account" : "guest"),-7} {s.Connection.RemoteEndPoint,-24} {s.Connection.Door,-5} {s.ConnectedAt.ToLocalTime():HH:mm:ss} {s.MessagesSent,6}  {string.Join(' ', s.User.Rooms)}");
        }

        text.Append(CultureInfo.InvariantCulture, $"{sessions.Count} connected");
        return text.ToString();
    }
}
