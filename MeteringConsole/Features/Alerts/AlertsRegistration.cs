namespace MeteringConsole.Features.Alerts;

public static class AlertsRegistration
{
    /// <summary>Alerts, their evaluation job, mail and webhook delivery.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddSingleton(sp => SmtpSettings.Read(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(sp => WebhookSettings.Read(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<AlertDispatcher>();
        services.AddSingleton<AlertEvaluationSignal>();
        services.AddSingleton<IAlertTrigger>(sp => sp.GetRequiredService<AlertEvaluationSignal>());
        services.AddScoped<AlertEvaluator>()
            .AddScoped<AlertService>()
            .AddScoped<AlertStateService>()
            .AddScoped<AlertDelivery>()
            .AddScoped<WebhookService>()
            .AddScoped<AlertDeliverySweep>();
        services.AddSingleton<AlertDeliverySweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertDeliverySweeper>());
        services.AddTransient<AlertEvaluationJob>().AddTransient<AlertDeliveryJob>();
        // Webhooks are not redirected: the signed body goes to the registered URL or nowhere.
        services.AddHttpClient(AlertDelivery.HttpClientName, (sp, http) => http.Timeout = sp.GetRequiredService<WebhookSettings>().Timeout + TimeSpan.FromSeconds(5))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        return services;
    }
}
