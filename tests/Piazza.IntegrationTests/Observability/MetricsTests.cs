using System.Diagnostics;

namespace Piazza.IntegrationTests.Observability;

/// <summary>
/// /metrics of the real executable after <see cref="ScriptedSession"/>: each counter has the value the session implies,
/// the runtime's own metrics are there, tags stay low-cardinality, and promtool accepts the page.
/// </summary>
public sealed class MetricsTests(ScriptedSession session) : IClassFixture<ScriptedSession>
{
    private MetricsPage Page => session.Page;

    [Fact]
    public void Logins_are_counted_by_outcome()
    {
        Assert.Equal(3, Page.Value("piazza_logins_total", ("outcome", "ok"))); // alice and bob natively, carol over REST
        Assert.Equal(1, Page.Value("piazza_logins_total", ("outcome", "auth_failed")));
        Assert.Equal(1, Page.Value("piazza_logins_total", ("outcome", "name_reserved")));
        Assert.Equal(5, Page.Value("piazza_logins_total"));
    }

    [Fact]
    public void Messages_stored_delivered_and_refused_are_counted()
    {
        Assert.Equal(3, Page.Value("piazza_messages_stored_total"));
        Assert.Equal(6, Page.Value("piazza_deliveries_total")); // three messages, each to alice's and bob's connection
        Assert.Equal(0, Page.Value("piazza_deliveries_dropped_total"));
        Assert.Equal(1, Page.Value("piazza_rate_limited_total", ("kind", "messages")));
        Assert.Equal(1, Page.Value("piazza_rate_limited_total"));
        Assert.Equal(1, Page.Value("piazza_history_reads_total"));
    }

    [Fact]
    public void Commits_and_fan_out_are_histograms_and_the_queue_is_empty()
    {
        Assert.Equal(3, Page.Value("piazza_store_commit_batch_size_sum", ("writer", "message_log")));
        var commits = Page.Value("piazza_store_commit_batch_size_count", ("writer", "message_log"));
        Assert.InRange(commits, 1, 3);
        Assert.Equal(commits, Page.Value("piazza_store_commit_duration_seconds_count", ("writer", "message_log")));
        Assert.Equal(commits, Page.Value("piazza_store_commit_duration_seconds_bucket", ("writer", "message_log"), ("le", "+Inf")));
        Assert.True(Page.Value("piazza_store_commit_duration_seconds_sum") > 0);
        Assert.Equal(3, Page.Value("piazza_fanout_duration_seconds_count"));
        Assert.Equal(0, Page.Value("piazza_message_log_queue_depth", ("writer", "message_log")));
        Assert.True(Page.Has("piazza_message_log_queue_depth"));
    }

    [Fact]
    public void Connections_are_counted_per_door()
    {
        // alice, bob, the wrong password and the reserved name: four native connections, all closed by now.
        Assert.Equal(4, Page.Value("piazza_connections_accepted_total", ("door", "tcp")));
        Assert.Equal(0, Page.Value("piazza_connections_open", ("door", "tcp")));
        Assert.True(Page.Has("piazza_connections_open"));
    }

    [Fact]
    public void Uploads_count_their_bytes_and_outcome()
    {
        Assert.Equal(1, Page.Value("piazza_uploads_total", ("outcome", "completed")));
        Assert.Equal(1, Page.Value("piazza_uploads_total", ("outcome", "terminated")));
        Assert.Equal(2, Page.Value("piazza_uploads_total"));
        Assert.Equal(ScriptedSession.UploadBytes, Page.Value("piazza_upload_bytes_total"));
    }

    [Fact]
    public void The_runtime_reports_its_own_metrics()
    {
        Assert.True(Page.Has("dotnet_gc_collections_total"), "the System.Runtime meter is exported");
        Assert.True(Page.Has("dotnet_thread_pool_queue_length"));
        Assert.True(Page.Value("dotnet_process_memory_working_set_bytes") > 0);
    }

    [Fact]
    public void Tags_name_no_user_room_or_address()
    {
        string[] allowed = ["otel_scope_name", "door", "outcome", "reason", "kind", "writer", "le"];
        foreach (var (name, key, value) in Page.PiazzaLabels)
        {
            Assert.True(allowed.Contains(key), $"{name} has the tag {key}={value}");
        }

        Assert.DoesNotContain("alice", Page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("lobby", Page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", Page.Text, StringComparison.Ordinal);
    }

    [PromtoolFact]
    public async Task Promtool_accepts_the_page()
    {
        var check = new ProcessStartInfo(PromtoolFactAttribute.Path!, "check metrics")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var promtool = Process.Start(check)!;
        await promtool.StandardInput.WriteAsync(Page.Text);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0, $"promtool check metrics: exit {promtool.ExitCode}\n{output}");
    }
}

/// <summary>A fact that needs <c>promtool</c> (Debian package <c>prometheus</c>); skipped, saying so, where it is absent.</summary>
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Path is null)
        {
            Skip = "promtool is not installed (Debian package 'prometheus'): the Prometheus page is not checked";
        }
    }

    /// <summary>promtool on the PATH; null when absent.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => System.IO.Path.Combine(folder, "promtool"))
        .FirstOrDefault(File.Exists);
}
