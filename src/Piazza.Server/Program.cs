using System.CommandLine;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Piazza.Server;

// Flags become configuration keys, so flags, PIAZZA_* environment variables and appsettings.json share one options system.
var port = new Option<int?>("--port") { Description = "TCP port of the native door (default 7070; 0 picks a free port)" };
var bind = new Option<string?>("--bind") { Description = "address to listen on (default 0.0.0.0)" };
var httpPort = new Option<int?>("--http-port") { Description = "HTTP port for the web client, WebSocket and API (default 8080; -1 turns it off)" };
var data = new Option<string?>("--data") { Description = "data folder (default ./piazza-data)" };
var maxLine = new Option<int?>("--max-line-bytes") { Description = "longest accepted frame in bytes (default 65536)" };
var idle = new Option<double?>("--idle-timeout") { Description = "seconds of silence before a client is pinged, then closed (default 60)" };
var helloTimeout = new Option<double?>("--hello-timeout") { Description = "seconds a new connection has to say hello (default 10)" };
var motd = new Option<string?>("--motd") { Description = "message of the day sent on welcome" };
var allowGuests = new Option<bool?>("--allow-guests") { Description = "let people without an account connect (default true)" };
var console = new Option<bool?>("--console") { Description = "operator console on stdin (default: when stdin is a terminal)" };
var firstUserAdmin = new Option<bool?>("--first-user-admin") { Description = "the first account registered while there is no admin becomes admin (default false)" };

// `admin …` subcommands act on the data folder; --data applies to them too.
data.Recursive = true;

var root = new RootCommand("Piazza chat server: the native TCP door (protocol v1) with an operator console.")
{
    port, httpPort, bind, data, maxLine, idle, helloTimeout, motd, allowGuests, console, firstUserAdmin,
};
root.Subcommands.Add(AdminCommands.Create(data));

root.SetAction(async (parse, cancellationToken) =>
{
    var overrides = new Dictionary<string, string?>();
    void Set(string key, object? value)
    {
        if (value is not null)
        {
            overrides[$"{ServerOptions.SectionName}:{key}"] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    Set(nameof(ServerOptions.Port), parse.GetValue(port));
    Set(nameof(ServerOptions.Bind), parse.GetValue(bind));
    Set(nameof(ServerOptions.HttpPort), parse.GetValue(httpPort));
    Set(nameof(ServerOptions.Data), parse.GetValue(data));
    Set(nameof(ServerOptions.MaxLineBytes), parse.GetValue(maxLine));
    Set(nameof(ServerOptions.IdleTimeout), parse.GetValue(idle) is { } i ? TimeSpan.FromSeconds(i) : null);
    Set(nameof(ServerOptions.HelloTimeout), parse.GetValue(helloTimeout) is { } h ? TimeSpan.FromSeconds(h) : null);
    Set(nameof(ServerOptions.Motd), parse.GetValue(motd));
    Set(nameof(ServerOptions.AllowGuests), parse.GetValue(allowGuests));
    Set(nameof(ServerOptions.Console), parse.GetValue(console));
    Set(nameof(ServerOptions.FirstUserIsAdmin), parse.GetValue(firstUserAdmin));
    return await ServerProgram.RunAsync(overrides, cancellationToken).ConfigureAwait(false);
});

return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);

/// <summary>Starts the host and turns start-up failures into one clear line and exit code 2.</summary>
internal static class ServerProgram
{
    public static async Task<int> RunAsync(Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        WebApplication app;
        ServerOptions options;
        try
        {
            app = PiazzaHost.Build(overrides);
            options = app.Services.GetRequiredService<ServerOptions>();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or FormatException)
        {
            await Console.Error.WriteLineAsync($"piazza-server: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await PiazzaHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                var reason = ex.Message;
                var address = $"{options.Bind}:{options.Port}";
                for (var inner = (Exception?)ex; inner is not null; inner = inner.InnerException)
                {
                    if (inner is SocketException socketError)
                    {
                        reason = socketError.Message.ToLowerInvariant();
                    }

                    // Kestrel names the address that failed ("http://0.0.0.0:8080"): the TCP door's or the HTTP door's.
                    if (System.Text.RegularExpressions.Regex.Match(inner.Message, @"://([^\s/]+?):?\s") is { Success: true } named)
                    {
                        address = named.Groups[1].Value.TrimEnd(':');
                    }
                }

                await Console.Error.WriteLineAsync($"piazza-server: cannot listen on {address}: {reason}").ConfigureAwait(false);
                return 2;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or System.Data.Common.DbException)
            {
                await Console.Error.WriteLineAsync($"piazza-server: cannot open the data folder {Path.GetFullPath(options.Data)}: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            var endpoint = app.Services.GetRequiredService<DoorEndpoints>().NativeTcpEndPoint;
            Console.WriteLine($"Piazza {ServerInfo.Version} listening on tcp://{endpoint} (native protocol v1); data in {Path.GetFullPath(options.Data)}");
            if (app.Services.GetRequiredService<DoorEndpoints>().HttpEndPoint is { } http)
            {
                Console.WriteLine($"Web client on http://{http}/ (WebSocket at /ws, API at /api)");
            }
            Console.WriteLine(options.Console ?? !Console.IsInputRedirected ? "Operator console ready: type help" : "No terminal on stdin: logging only");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }
}
