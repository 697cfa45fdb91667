using Microsoft.Extensions.DependencyInjection;

namespace Piazza.Server.Integrations.Webhooks;

/// <summary>Registers outgoing webhooks' delivery: the allow-list, the one sender and the worker (a hosted service).</summary>
public static class WebhookServices
{
    public static void Add(IServiceCollection services, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(new WebhookDestinations(options.AllowedHosts));
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<OutgoingWebhookWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<OutgoingWebhookWorker>());
    }
}
