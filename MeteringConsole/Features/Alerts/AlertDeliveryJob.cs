using Hangfire;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Alerts;

/// <summary>
/// The Hangfire jobs that deliver a notification. Each attempt is its own job and records itself
/// in the notification log; a failed attempt schedules the next on <c>Webhooks:RetryDelays</c>.
/// Hangfire's own retries are off, so an attempt is never made twice.
/// </summary>
[AutomaticRetry(Attempts = 0)]
public sealed class AlertDeliveryJob
{
    private readonly AlertDelivery _delivery;
    private readonly AlertDispatcher _dispatcher;

    public AlertDeliveryJob(AlertDelivery delivery, AlertDispatcher dispatcher, CurrentActor actor)
    {
        _delivery = delivery;
        _dispatcher = dispatcher;
        actor.Set(Actor.System("alerts"));
    }

    public async Task FanOutAsync(long notificationId, CancellationToken ct)
    {
        var (email, endpoints) = await _delivery.TargetsAsync(notificationId, ct);
        if (email) _dispatcher.Email(notificationId, 1, TimeSpan.Zero);
        foreach (var endpoint in endpoints) _dispatcher.Webhook(notificationId, endpoint, 1, TimeSpan.Zero);
    }

    public async Task EmailAsync(long notificationId, int attempt, CancellationToken ct)
    {
        if (await _delivery.SendEmailAsync(notificationId, attempt, ct) is TimeSpan retry)
            _dispatcher.Email(notificationId, attempt + 1, retry);
    }

    public async Task WebhookAsync(long notificationId, int endpointId, int attempt, CancellationToken ct)
    {
        if (await _delivery.SendWebhookAsync(notificationId, endpointId, attempt, ct) is TimeSpan retry)
            _dispatcher.Webhook(notificationId, endpointId, attempt + 1, retry);
    }
}
