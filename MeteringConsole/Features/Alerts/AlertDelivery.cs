using System.Net;
using System.Text.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Jobs;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace MeteringConsole.Features.Alerts;

/// <summary>A notification with what its messages say.</summary>
public sealed record NotificationContext(AlertNotification Notification, Alert Alert, Client Client, string? UnitType, string Currency)
{
    public string Value => AlertCatalog.Format(Alert.Type, Notification.Value, Currency, UnitType);
    public string Threshold => AlertCatalog.Format(Alert.Type, Notification.Threshold, Currency, UnitType);
    public string Severity => AlertCatalog.Name(Alert.Severity);
    public string? PeriodName { get; init; }
}

/// <summary>
/// Sends one attempt of a notification by mail (MailKit over SMTP) or to one webhook endpoint
/// (signed the Standard Webhooks way) and records it in the notification log: first as begun,
/// then with its outcome, so an attempt is made at most once however many jobs ask for it. Returns
/// the wait before the next attempt when this one failed and the schedule has one left.
/// </summary>
public sealed class AlertDelivery
{
    public const string HttpClientName = "alert-webhooks";

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly BillingSettings _billing;
    private readonly SmtpSettings _smtp;
    private readonly WebhookSettings _webhooks;
    private readonly IHttpClientFactory _http;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlertDelivery> _log;

    public AlertDelivery(IDbContextFactory<AppDbContext> dbs, BillingSettings billing, SmtpSettings smtp, WebhookSettings webhooks,
        IHttpClientFactory http, TimeProvider clock, ILogger<AlertDelivery> log)
    {
        _dbs = dbs;
        _billing = billing;
        _smtp = smtp;
        _webhooks = webhooks;
        _http = http;
        _clock = clock;
        _log = log;
    }

    /// <summary>Whether the notification goes by mail, and to which endpoints (those enabled now).</summary>
    public async Task<(bool Email, IReadOnlyList<int> Endpoints)> TargetsAsync(long notificationId, CancellationToken ct = default)
    {
        await using var db = await _dbs.CreateDbContextAsync(ct);
        var context = await LoadAsync(db, notificationId, ct);
        if (context is null) return (false, Array.Empty<int>());
        var endpoints = context.Alert.NotifyWebhook
            ? await db.WebhookEndpoints.Where(e => e.Enabled).OrderBy(e => e.Id).Select(e => e.Id).ToListAsync(ct)
            : new List<int>();
        return (context.Alert.NotifyEmail, endpoints);
    }

    public async Task<TimeSpan?> SendEmailAsync(long notificationId, int attempt, CancellationToken ct = default)
    {
        await using var db = await _dbs.CreateDbContextAsync(ct);
        if (await LoadAsync(db, notificationId, ct) is not { } context) return null;
        var recipients = AlertMail.Recipients(context.Client.AlertEmails, context.Alert.ExtraRecipients);
        if (await ClaimAsync(db, notificationId, NotificationChannel.Email, null, string.Join(", ", recipients), attempt, ct) is not { } log) return null;
        if (recipients.Count == 0) log.Error = $"Nobody to mail: {context.Client.Name} has no alert emails and the alert no extra recipients.";
        else if (!_smtp.Configured) log.Error = "Mail is not configured (Smtp:Host is empty).";
        else
        {
            try
            {
                await SendMailAsync(AlertMail.Compose(context, _smtp.From, recipients), ct);
                log.Success = true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log.Error = $"{e.GetType().Name}: {e.Message}";
            }
        }
        // Only a failed send is worth repeating; a missing address or configuration stays missing.
        var retry = !log.Success && recipients.Count > 0 && _smtp.Configured ? _webhooks.DelayAfter(attempt) : null;
        return await RecordAsync(db, log, retry, ct);
    }

    public async Task<TimeSpan?> SendWebhookAsync(long notificationId, int endpointId, int attempt, CancellationToken ct = default)
    {
        await using var db = await _dbs.CreateDbContextAsync(ct);
        if (await LoadAsync(db, notificationId, ct) is not { } context) return null;
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == endpointId, ct);
        // Deleted or disabled since: nobody is waiting for it any more.
        if (endpoint is not { Enabled: true }) return null;
        if (await ClaimAsync(db, notificationId, NotificationChannel.Webhook, endpointId, endpoint.Url, attempt, ct) is not { } log) return null;
        var outcome = await PostAsync(endpoint, context.Notification.MessageId, Payload(context), ct);
        (log.Success, log.StatusCode, log.Error) = (outcome.Delivered, outcome.StatusCode, outcome.Error);
        TimeSpan? retry = null;
        if (outcome.StatusCode == (int)HttpStatusCode.Gone)
        {
            endpoint.Enabled = false;
            endpoint.DisabledReason = $"Answered 410 Gone on {log.AttemptedAt:yyyy-MM-dd HH:mm} UTC; disabled.";
            log.Error = "410 Gone: the endpoint was disabled.";
        }
        else if (!outcome.Delivered) retry = _webhooks.DelayAfter(attempt);
        return await RecordAsync(db, log, retry, ct);
    }

    /// <summary>The outcome of one POST: delivered only on 2xx.</summary>
    public sealed record PostOutcome(bool Delivered, int? StatusCode, string? Error);

    /// <summary>Signs and POSTs a body to an endpoint, within <c>Webhooks:Timeout</c>.</summary>
    public async Task<PostOutcome> PostAsync(WebhookEndpoint endpoint, string messageId, string body, CancellationToken ct)
    {
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(endpoint.Secret, messageId, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_webhooks.Timeout);
        try
        {
            using var response = await _http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var code = (int)response.StatusCode;
            return new PostOutcome(code is >= 200 and < 300, code, code is >= 200 and < 300 ? null : $"Answered {code} {response.ReasonPhrase}.");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new PostOutcome(false, null, $"No answer within {_webhooks.Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException e)
        {
            return new PostOutcome(false, null, $"Could not connect: {e.Message}");
        }
    }

    /// <summary>The JSON body every endpoint receives for a notification (the same bytes on every retry).</summary>
    public static string Payload(NotificationContext c) => JsonSerializer.Serialize(new
    {
        type = "alert.triggered",
        id = c.Notification.MessageId,
        timestamp = c.Notification.TriggeredAt.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        data = new
        {
            alert_id = c.Alert.Id,
            alert_name = c.Alert.Name,
            alert_type = AlertCatalog.Name(c.Alert.Type),
            severity = c.Severity,
            client_id = c.Client.Id,
            client_name = c.Client.Name,
            threshold = Trim(c.Notification.Threshold),
            value = Trim(c.Notification.Value),
            period_start = c.PeriodName,
            currency = c.Currency,
        },
    });

    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    /// <summary>
    /// Records the attempt as begun (no outcome yet) unless a row for the same notification, target
    /// and attempt number exists: then another job made or is making it, and this one sends nothing.
    /// The unique indexes on those columns decide, so of two jobs for one attempt (the fan-out's and
    /// the sweep's, say, in one console or two) exactly one goes on to send.
    /// </summary>
    private async Task<AlertDeliveryAttempt?> ClaimAsync(AppDbContext db, long notificationId, NotificationChannel channel, int? endpointId,
        string target, int attempt, CancellationToken ct)
    {
        var log = new AlertDeliveryAttempt
        {
            NotificationId = notificationId, Channel = channel, WebhookEndpointId = endpointId, Target = target,
            Attempt = attempt, AttemptedAt = _clock.GetUtcNow().UtcDateTime,
        };
        db.AlertDeliveryAttempts.Add(log);
        try
        {
            await db.SaveChangesAsync(ct);
            return log;
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            _log.LogInformation("Alert notification {Notification} {Channel} attempt {Attempt} was already made or is being made; not sent again",
                notificationId, channel, attempt);
            return null;
        }
    }

    private async Task<TimeSpan?> RecordAsync(AppDbContext db, AlertDeliveryAttempt log, TimeSpan? retry, CancellationToken ct)
    {
        if (log.Error is not null) log.Error = JobHistory.Truncate(log.Error);
        if (retry is TimeSpan wait) log.NextAttemptAt = log.AttemptedAt + wait;
        await db.SaveChangesAsync(CancellationToken.None);
        if (!log.Success) _log.LogWarning("Alert notification {Notification} {Channel} attempt {Attempt} to {Target} failed: {Error}",
            log.NotificationId, log.Channel, log.Attempt, log.Target, log.Error);
        return retry;
    }

    /// <summary>The notification, unless its alert was archived since (archived alerts notify nothing).</summary>
    private async Task<NotificationContext?> LoadAsync(AppDbContext db, long notificationId, CancellationToken ct)
    {
        var n = await db.AlertNotifications.AsNoTracking().FirstOrDefaultAsync(x => x.Id == notificationId, ct);
        if (n is null) return null;
        var alert = await db.Alerts.AsNoTracking().Include(a => a.UnitType).FirstAsync(a => a.Id == n.AlertId, ct);
        if (alert.ArchivedAt is not null) return null;
        var client = await db.Clients.AsNoTracking().FirstAsync(c => c.Id == n.ClientId, ct);
        var period = n.PeriodStart is DateTime start ? _billing.PeriodStartingAtUtc(start)?.Name : null;
        return new NotificationContext(n, alert, client, alert.UnitType?.Name, _billing.Currency) { PeriodName = period };
    }

    private async Task SendMailAsync(MimeMessage message, CancellationToken ct)
    {
        using var smtp = new SmtpClient { Timeout = (int)_webhooks.Timeout.TotalMilliseconds * 3 };
        var security = !_smtp.EnableSsl ? SecureSocketOptions.None
            : _smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await smtp.ConnectAsync(_smtp.Host!, _smtp.Port, security, ct);
        if (_smtp.UserName is not null) await smtp.AuthenticateAsync(_smtp.UserName, _smtp.Password ?? "", ct);
        await smtp.SendAsync(message, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }
}
