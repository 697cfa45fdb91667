using System.Text.Json;
using Piazza.IntegrationTests.Infrastructure;
using static Piazza.IntegrationTests.Infrastructure.ProtocolSteps;

namespace Piazza.IntegrationTests.Observability;

/// <summary>
/// <c>--log-format json</c> on the real executable: every stdout line is one JSON object, and every line about a
/// connection carries its id, door and remote address (in the connection's scope, or in the line's own fields).
/// </summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task Every_line_is_json_and_lines_about_a_connection_name_its_id_door_and_address()
    {
        await using var server = await ObservedServer.StartAsync("--log-format", "json");
        string local;
        await using (var alice = (await RawClient.JoinAsync(server.TcpPort, "alice")).Client)
        {
            local = alice.LocalEndPoint!;
        }

        // The hub's line (State fields) and the door's line (the Kestrel connection's scope) name the same connection.
        var joined = Parse(await server.WaitForLineAsync(l => l.Contains("alice connected from", StringComparison.Ordinal)));
        Assert.Equal("tcp", joined.GetProperty("State").GetProperty("Door").GetString());
        Assert.Equal(local, joined.GetProperty("State").GetProperty("RemoteEndPoint").GetString());
        var id = joined.GetProperty("State").GetProperty("ConnectionId").GetString();
        Assert.False(string.IsNullOrEmpty(id));

        var closed = Parse(await server.WaitForLineAsync(l => l.Contains("Closed ", StringComparison.Ordinal) && l.Contains("alice", StringComparison.Ordinal)));
        var scope = ConnectionScopeOf(closed);
        Assert.Equal(id, scope.GetProperty("ConnectionId").GetString());
        Assert.Equal("tcp", scope.GetProperty("Door").GetString());
        Assert.Equal(local, scope.GetProperty("RemoteEndPoint").GetString());

        // A bad hello is refused with a line of the door's own, in the same kind of scope.
        await using (var bad = await RawClient.ConnectAsync(server.TcpPort))
        {
            AssertError(await FirstAnswerAsync(bad, new { type = "hello", user = "x y" }), "bad_name");
        }

        var refused = Parse(await server.WaitForLineAsync(l => l.Contains("Rejected hello", StringComparison.Ordinal)));
        Assert.NotEqual(id, ConnectionScopeOf(refused).GetProperty("ConnectionId").GetString());

        foreach (var line in server.Lines)
        {
            var entry = Parse(line);
            Assert.True(entry.TryGetProperty("Timestamp", out _), line);
            Assert.True(entry.TryGetProperty("LogLevel", out _), line);
            Assert.True(entry.TryGetProperty("Category", out _), line);
            Assert.True(entry.TryGetProperty("Message", out _), line);
        }

        Assert.Contains(server.Lines, l => l.Contains("listening on tcp://", StringComparison.Ordinal)); // the start-up lines are JSON too
    }

    [Fact]
    public async Task A_websocket_connection_logs_under_its_own_door_and_id()
    {
        await using var server = await ObservedServer.StartAsync("--log-format", "json");
        await using (var bob = (await RawClient.HelloAsync(await RawClient.ConnectWebSocketAsync(server.HttpBase), "bob")).Client)
        {
            var joined = Parse(await server.WaitForLineAsync(l => l.Contains("bob connected from", StringComparison.Ordinal)));
            Assert.Equal("ws", joined.GetProperty("State").GetProperty("Door").GetString());
            var id = joined.GetProperty("State").GetProperty("ConnectionId").GetString();
            var opened = Parse(await server.WaitForLineAsync(l => l.Contains("Connection from", StringComparison.Ordinal) && l.Contains("(ws)", StringComparison.Ordinal)));
            var scope = ConnectionScopeOf(opened);
            Assert.Equal((id, "ws"), (scope.GetProperty("ConnectionId").GetString(), scope.GetProperty("Door").GetString()));
            Assert.Equal(joined.GetProperty("State").GetProperty("RemoteEndPoint").GetString(), scope.GetProperty("RemoteEndPoint").GetString());
        }
    }

    private static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
        return document.RootElement.Clone();
    }

    /// <summary>The innermost scope that names a connection.</summary>
    private static JsonElement ConnectionScopeOf(JsonElement entry)
    {
        Assert.True(entry.TryGetProperty("Scopes", out var scopes), entry.ToString());
        return scopes.EnumerateArray().Last(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("ConnectionId", out _));
    }
}
