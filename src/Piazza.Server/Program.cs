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
var maxFileBytes = new Option<long?>("--max-file-bytes") { Description = "largest file a user may upload, in bytes (default 104857600, 100 MiB)" };
var userQuotaBytes = new Option<long?>("--user-quota-bytes") { Description = "bytes of files (stored plus unfinished uploads) per user (default 1073741824, 1 GiB)" };
var maxConcurrentUploads = new Option<int?>("--max-concurrent-uploads") { Description = "unfinished uploads a user may have at once (default 4)" };
var plainTcp = new Option<bool?>("--plain-tcp") { Description = "serve the unencrypted native door on --port (default true; false needs a certificate)" };
var tlsPort = new Option<int?>("--tls-port") { Description = "port of the native door over TLS, on with a certificate (default 7443; 0 picks a free port)" };
var httpsPort = new Option<int?>("--https-port") { Description = "HTTPS port (page, WSS, API), on with a certificate (default 8443; -1 turns it off)" };
var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate (chain) file; reloaded when it changes" };
var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key file for --tls-cert" };
var devTls = new Option<bool?>("--dev-tls") { Description = "make (once) and use a self-signed certificate in the data folder; prints its fingerprint" };
var tlsReload = new Option<double?>("--tls-reload-interval") { Description = "seconds between checks of the certificate files for a change, at a handshake (default 2)" };
var tlsHandshake = new Option<double?>("--tls-handshake-timeout") { Description = "seconds a client has to finish the TLS handshake (default 10)" };
var maxMessageChars = new Option<int?>("--max-message-chars") { Description = "longest message text in characters (default 4000)" };
var maxRooms = new Option<int?>("--max-rooms-per-user") { Description = "rooms one user may be in at once (default 100; 0 no limit)" };
var messagesPerSecond = new Option<double?>("--messages-per-second") { Description = "messages per connection per second (default 5; 0 no limit)" };
var messageBurst = new Option<int?>("--message-burst") { Description = "messages per connection at once before the rate applies (default 20)" };
var accountMessagesPerSecond = new Option<double?>("--account-messages-per-second") { Description = "messages per account per second, all devices and the API (default 10; 0 no limit)" };
var accountMessageBurst = new Option<int?>("--account-message-burst") { Description = "messages per account at once (default 40)" };
var framesPerSecond = new Option<double?>("--frames-per-second") { Description = "frames of any type per connection per second (default 20; 0 no limit)" };
var frameBurst = new Option<int?>("--frame-burst") { Description = "frames per connection at once (default 60)" };
var floodRefusals = new Option<int?>("--flood-refusals") { Description = "rate_limited refusals within --flood-window before a connection is closed as flooding (default 30; 0 never)" };
var floodWindow = new Option<double?>("--flood-window") { Description = "seconds --flood-refusals counts in (default 10)" };
var maxConnections = new Option<int?>("--max-connections-per-address") { Description = "connections one address (IPv6: /64) may hold open, all doors (default 100; 0 no limit)" };
var connectionRate = new Option<double?>("--connections-per-second-per-address") { Description = "new connections per address per second (default 10; 0 no limit)" };
var connectionBurst = new Option<int?>("--connection-burst-per-address") { Description = "new connections per address at once before the rate applies (default 30)" };

var firstUserAdmin = new Option<bool?>("--first-user-admin") { Description = "the first account registered while there is no admin becomes admin (default false)" };

// `admin …` subcommands act on the data folder; --data applies to them too.
data.Recursive = true;

var root = new RootCommand("Piazza chat server: the native TCP door (protocol v1) with an operator console.")
{
    port, httpPort, bind, data, maxLine, idle, helloTimeout, motd, allowGuests, console, firstUserAdmin,
    maxFileBytes, userQuotaBytes, maxConcurrentUploads,
    plainTcp, tlsPort, httpsPort, tlsCert, tlsKey, devTls, tlsReload, tlsHandshake,
    maxMessageChars, maxRooms, messagesPerSecond, messageBurst, accountMessagesPerSecond, accountMessageBurst,
    framesPerSecond, frameBurst, floodRefusals, floodWindow, maxConnections, connectionRate, connectionBurst,
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
    Set(nameof(ServerOptions.MaxFileBytes), parse.GetValue(maxFileBytes));
    Set(nameof(ServerOptions.UserQuotaBytes), parse.GetValue(userQuotaBytes));
    Set(nameof(ServerOptions.MaxConcurrentUploads), parse.GetValue(maxConcurrentUploads));
    Set(nameof(ServerOptions.PlainTcp), parse.GetValue(plainTcp));
    Set(nameof(ServerOptions.TlsPort), parse.GetValue(tlsPort));
    Set(nameof(ServerOptions.HttpsPort), parse.GetValue(httpsPort));
    Set(nameof(ServerOptions.TlsCert), parse.GetValue(tlsCert));
    Set(nameof(ServerOptions.TlsKey), parse.GetValue(tlsKey));
    Set(nameof(ServerOptions.DevTls), parse.GetValue(devTls));
    Set(nameof(ServerOptions.TlsReloadInterval), parse.GetValue(tlsReload) is { } r ? TimeSpan.FromSeconds(r) : null);
    Set(nameof(ServerOptions.TlsHandshakeTimeout), parse.GetValue(tlsHandshake) is { } t ? TimeSpan.FromSeconds(t) : null);
    Set(nameof(ServerOptions.MaxMessageChars), parse.GetValue(maxMessageChars));
    Set(nameof(ServerOptions.MaxRoomsPerUser), parse.GetValue(maxRooms));
    Set(nameof(ServerOptions.MessagesPerSecond), parse.GetValue(messagesPerSecond));
    Set(nameof(ServerOptions.MessageBurst), parse.GetValue(messageBurst));
    Set(nameof(ServerOptions.AccountMessagesPerSecond), parse.GetValue(accountMessagesPerSecond));
    Set(nameof(ServerOptions.AccountMessageBurst), parse.GetValue(accountMessageBurst));
    Set(nameof(ServerOptions.FramesPerSecond), parse.GetValue(framesPerSecond));
    Set(nameof(ServerOptions.FrameBurst), parse.GetValue(frameBurst));
    Set(nameof(ServerOptions.FloodRefusals), parse.GetValue(floodRefusals));
    Set(nameof(ServerOptions.FloodWindow), parse.GetValue(floodWindow) is { } w ? TimeSpan.FromSeconds(w) : null);
    Set(nameof(ServerOptions.MaxConnectionsPerAddress), parse.GetValue(maxConnections));
    Set(nameof(ServerOptions.ConnectionsPerSecondPerAddress), parse.GetValue(connectionRate));
    Set(nameof(ServerOptions.ConnectionBurstPerAddress), parse.GetValue(connectionBurst));
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
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException)
            {
                await Console.Error.WriteLineAsync($"piazza-server: cannot load the TLS certificate: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or System.Data.Common.DbException)
            {
                await Console.Error.WriteLineAsync($"piazza-server: cannot open the data folder {Path.GetFullPath(options.Data)}: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            var doors = app.Services.GetRequiredService<DoorEndpoints>();
            if (doors.PlainTcpEndPoint is { } endpoint)
            {
                Console.WriteLine($"Piazza {ServerInfo.Version} listening on tcp://{endpoint} (native protocol v1); data in {Path.GetFullPath(options.Data)}");
            }

            if (doors.TlsEndPoint is { } tls)
            {
                var certificate = app.Services.GetRequiredService<Piazza.Server.Tls.CertificateSource>();
                Console.WriteLine($"Piazza {ServerInfo.Version} listening on tls://{tls} (native protocol v1 over TLS); data in {Path.GetFullPath(options.Data)}");
                Console.WriteLine($"TLS certificate SHA-256 fingerprint: {certificate.Fingerprint}");
            }

            if (doors.HttpEndPoint is { } http)
            {
                Console.WriteLine($"Web client on http://{http}/ (WebSocket at /ws, API at /api)");
            }

            if (doors.HttpsEndPoint is { } https)
            {
                Console.WriteLine($"Web client on https://{https}/ (WebSocket at /ws over wss, API at /api)");
            }
            Console.WriteLine(options.Console ?? !Console.IsInputRedirected ? "Operator console ready: type help" : "No terminal on stdin: logging only");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }
}
