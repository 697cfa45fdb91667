using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Piazza.Core.Observability;

namespace Piazza.Server.Observability;

/// <summary>
/// Wires what operators watch (docs/monitoring.md): the meters exported by OpenTelemetry's Prometheus exporter at
/// <c>/metrics</c> behind <see cref="MetricsAccess"/>, <c>/healthz</c> and <c>/readyz</c>, and the log format.
/// </summary>
public static class ObservabilitySetup
{
    /// <summary>The .NET runtime's own meter (GC, thread pool, JIT, exceptions), built in since .NET 9.</summary>
    public const string RuntimeMeter = "System.Runtime";

    public static void AddServices(IServiceCollection services, ObservabilityOptions options)
    {
        services.AddSingleton(new MetricsAccess(options));
        services.AddSingleton<HealthChecks>();
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("piazza", serviceVersion: ServerInfo.Version))
            .WithMetrics(metrics => metrics
            .AddMeter(HubMetrics.MeterName, RuntimeMeter)
            // Prometheus' naming rules (promtool) keep "_count" for histograms: these runtime gauges get plural names.
            .AddView("dotnet.assembly.count", "dotnet.assemblies.loaded")
            .AddView("dotnet.process.cpu.count", "dotnet.process.cpus")
            .AddView("dotnet.thread_pool.thread.count", "dotnet.thread_pool.threads")
            .AddView("dotnet.timer.count", "dotnet.timers")
            .AddPrometheusExporter(prometheus =>
            {
                // Each scrape reads the instruments now: a cached page would show a scripted session's counts late.
                prometheus.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
    }

    /// <summary>Console lines for people (the default), or one JSON object per line, with the connection scopes, for collectors.</summary>
    public static void AddConsoleLogs(ILoggingBuilder logging, string format)
    {
        if (format == ObservabilityOptions.JsonLogs)
        {
            logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                json.JsonWriterOptions = new JsonWriterOptions { Indented = false };
            });
            return;
        }

        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
            console.ColorBehavior = LoggerColorBehavior.Default;
        });
    }

    public static void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var access = app.Services.GetRequiredService<MetricsAccess>();
        app.MapPrometheusScrapingEndpoint("/metrics", null, branch => branch.Use(async (context, next) =>
        {
            if (access.Refusal(context) is { } refusal)
            {
                await refusal.ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        }), null);

        var checks = app.Services.GetRequiredService<HealthChecks>();
        app.MapGet("/healthz", () => Results.Json(checks.Liveness(), HealthJsonContext.Default.HealthReport));
        app.MapGet("/readyz", async (CancellationToken cancellationToken) =>
        {
            var report = await checks.ReadinessAsync(cancellationToken).ConfigureAwait(false);
            return Results.Json(report, HealthJsonContext.Default.ReadinessReport, statusCode: report.Failing.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
    }
}
