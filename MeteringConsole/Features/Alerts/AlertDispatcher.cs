using Hangfire;
using MeteringConsole.Features.Jobs;

namespace MeteringConsole.Features.Alerts;

/// <summary>
/// Hands notification deliveries to Hangfire: a fan-out job per notification, then one job per
/// attempt and target (the mail, each webhook endpoint), retries as scheduled jobs. Nothing is
/// delivered where the job server does not run (Jobs:Enabled=false, the command line, service tests).
/// </summary>
public sealed class AlertDispatcher
{
    private readonly IServiceProvider _services;
    private readonly JobScheduler _scheduler;
    private readonly ILogger<AlertDispatcher> _log;

    public AlertDispatcher(IServiceProvider services, JobScheduler scheduler, ILogger<AlertDispatcher> log)
    {
        _services = services;
        _scheduler = scheduler;
        _log = log;
    }

    public bool Running => _scheduler.IsRunning;

    public void Dispatch(long notificationId)
    {
        if (!Running)
        {
            _log.LogWarning("Alert notification {Notification} is recorded but not delivered: the job scheduler is not running", notificationId);
            return;
        }
        Client.Enqueue<AlertDeliveryJob>(j => j.FanOutAsync(notificationId, CancellationToken.None));
    }

    public void Email(long notificationId, int attempt, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero) Client.Enqueue<AlertDeliveryJob>(j => j.EmailAsync(notificationId, attempt, CancellationToken.None));
        else Client.Schedule<AlertDeliveryJob>(j => j.EmailAsync(notificationId, attempt, CancellationToken.None), delay);
    }

    public void Webhook(long notificationId, int endpointId, int attempt, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero) Client.Enqueue<AlertDeliveryJob>(j => j.WebhookAsync(notificationId, endpointId, attempt, CancellationToken.None));
        else Client.Schedule<AlertDeliveryJob>(j => j.WebhookAsync(notificationId, endpointId, attempt, CancellationToken.None), delay);
    }

    /// <summary>Resolved late: hosts that never run jobs build this class without touching Hangfire.</summary>
    private IBackgroundJobClient Client => _services.GetRequiredService<IBackgroundJobClient>();
}
