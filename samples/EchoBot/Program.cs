// EchoBot: joins a room and answers every message that mentions it, and every private message, with an echo.
// Uses only Piazza.Client's public API. Run: dotnet run --project samples/EchoBot -- [host] [port] [room]
using Piazza.Client;
using Piazza.Protocol;

var host = args.Length > 0 ? args[0] : "127.0.0.1";
var port = args.Length > 1 && int.TryParse(args[1], out var p) ? p : 7070;
var room = args.Length > 2 ? args[2] : "lobby";

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

await using var client = new PiazzaClient(new PiazzaClientOptions { Host = host, Port = port, User = "echobot", ClientName = "echobot/1.0" });
client.StateChanged += (_, change) => Console.WriteLine($"[{change.State}] {change.Detail}");

Welcome welcome;
try
{
    welcome = await client.ConnectAsync(stop.Token);
    room = await client.JoinAsync(room, stop.Token);
}
catch (PiazzaException ex) when (ex.Code is ErrorCode.NameTaken or ErrorCode.NameReserved)
{
    Console.Error.WriteLine($"echobot: the name is not available on {host}:{port} ({ex.Message})");
    return 1;
}
catch (PiazzaException ex)
{
    Console.Error.WriteLine($"echobot: {ex.Failure}: {ex.Message}");
    return 2;
}

await client.SendAsync(room, $"{welcome.User} is here: mention me or write to me privately and I will echo you.", cancellationToken: stop.Token);
try
{
    await foreach (var e in client.Events.ReadAllAsync(stop.Token))
    {
        switch (e)
        {
            // Replayed messages were said before we came (or while we were away): answering them now would be odd.
            case MessageReceived { Replayed: false, Message: var message } when !string.Equals(message.From, welcome.User, StringComparison.OrdinalIgnoreCase):
                var reply = $"{message.From} said: {message.Text}";
                if (message.IsPrivate)
                {
                    await client.SendPrivateAsync(message.From, reply, cancellationToken: stop.Token);
                }
                else if (message.Text.Contains(welcome.User, StringComparison.OrdinalIgnoreCase))
                {
                    await client.SendAsync(message.Conversation, reply, cancellationToken: stop.Token);
                }

                break;
            case MemberJoined joined when joined.Room == room:
                await client.SendAsync(room, $"welcome, {joined.User}", cancellationToken: stop.Token);
                break;
            case KickedFromServer or BannedByModerator { Room: null }:
                Console.WriteLine("echobot: removed from the server; stopping");
                return 0;
        }
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C
}
catch (PiazzaException ex)
{
    Console.Error.WriteLine($"echobot: {ex.Failure}: {ex.Message}");
    return 3;
}

return 0;
