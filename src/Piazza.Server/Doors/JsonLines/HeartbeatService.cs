using Microsoft.Extensions.Hosting;
using Piazza.Server.Connections;
using Piazza.Server.Options;

namespace Piazza.Server.Doors.JsonLines;

/// <summary>
/// One timer for all connections (instead of one per connection): each tick asks every connection to check
/// its hello deadline and idle time. The tick is a quarter of the shortest timeout, at most one second.
/// </summary>
public sealed class HeartbeatService(ConnectionRegistry registry, ConnectionOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shortest = options.IdleTimeout < options.HelloTimeout ? options.IdleTimeout : options.HelloTimeout;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(shortest.TotalMilliseconds / 4, 10, 1000));
        using var timer = new PeriodicTimer(tick, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                foreach (var connection in registry.All)
                {
                    connection.CheckLiveness(now);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // host stopping
        }
    }
}
