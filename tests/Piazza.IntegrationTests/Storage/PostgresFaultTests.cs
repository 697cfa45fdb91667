using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Piazza.Core.Storage;
using Piazza.Storage.Postgres;
using Piazza.Tests.Shared;

namespace Piazza.IntegrationTests.Storage;

/// <summary>
/// The PostgreSQL store while its server stops, restarts or crashes, on a server of this class's own: calls fail
/// promptly with an Npgsql error (never hang), and work again by themselves once PostgreSQL is back.
/// </summary>
public sealed class PostgresFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private PostgresProcess _server = null!;
    private PostgresChatStore _store = null!;
    private int _sent;

    public async Task InitializeAsync()
    {
        _server = await PostgresProcess.StartNewAsync();
        _store = PostgresChatStore.Create(await _server.CreateDatabaseAsync("faults"));
        await _store.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<IReadOnlyList<AppendedMessage>> SendAsync()
    {
        var n = Interlocked.Increment(ref _sent);
        return _store.AppendAssigningAsync([new StoredMessage("lobby", 0, $"m{n}", "alice", "alice", null, $"text {n}", T0.AddSeconds(n), $"c-{n}")]);
    }

    private static async Task FailsPromptlyAsync(Func<Task> call)
    {
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<NpgsqlException>(call);
        Assert.True(clock.Elapsed < Prompt, $"the call failed after {clock.Elapsed}");
    }

    [Fact]
    public async Task While_postgres_is_stopped_calls_fail_promptly_and_work_again_once_it_is_back()
    {
        await SendAsync();
        await _server.StopAsync();

        await FailsPromptlyAsync(SendAsync);
        await FailsPromptlyAsync(() => _store.ReadAfterAsync("lobby", 0, 10));

        await _server.StartAsync();
        Assert.Equal(2, (await SendAsync())[0].Message.Seq);
        Assert.Equal([1L, 2L], (await _store.ReadAfterAsync("lobby", 0, 10)).Select(m => m.Seq));
    }

    [Fact]
    public async Task After_a_restart_with_no_call_in_between_the_first_read_works()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync()));
        await _server.RestartAsync();

        Assert.Equal(8, (await _store.ReadAfterAsync("lobby", 0, 100)).Count);
        Assert.Equal(9, (await SendAsync())[0].Message.Seq);
    }

    [Fact]
    public async Task After_a_restart_with_no_call_in_between_the_first_send_works()
    {
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync()));
        await _server.RestartAsync();

        // Every pooled connection died with the server: the send's transaction had not committed, so it is tried again.
        Assert.Equal(9, (await SendAsync())[0].Message.Seq);
        Assert.Equal(9, (await _store.ReadAfterAsync("lobby", 0, 100)).Count);
    }

    [Fact]
    public async Task After_a_crash_every_acknowledged_message_is_there_and_sends_continue_the_seqs()
    {
        var acknowledged = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => SendAsync()));
        _server.Kill();
        await FailsPromptlyAsync(SendAsync);

        await _server.StartAsync();
        var stored = await _store.ReadAfterAsync("lobby", 0, 100);
        Assert.Equal(acknowledged.Select(r => r[0].Message).OrderBy(m => m.Seq), stored);
        Assert.Equal(21, (await SendAsync())[0].Message.Seq);
    }

    [Fact]
    public async Task Postgres_unreachable_at_start_fails_initialization_promptly_in_one_line()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        await using var store = PostgresChatStore.Create($"Host=127.0.0.1;Port={port};Username=piazza;Password=secret;Database=piazza");
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<PostgresUnreachableException>(() => store.InitializeAsync());
        Assert.True(clock.Elapsed < Prompt, $"failed after {clock.Elapsed}");
        Assert.Equal($"PostgreSQL at 127.0.0.1:{port}/piazza cannot be used: Connection refused", error.Message);
    }
}
