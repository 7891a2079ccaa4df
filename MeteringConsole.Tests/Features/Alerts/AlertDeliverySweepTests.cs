using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Alerts;
using MeteringConsole.Features.Clients;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Alerts;

/// <summary>
/// The sweep for notifications recorded but never handed to the delivery jobs (the process died
/// between the evaluation's commit and the enqueue): over real sockets, and rule by rule.
/// </summary>
public sealed class AlertDeliverySweepTests
{
    [Fact]
    public async Task AStuckNotificationIsDeliveredExactlyOnceEvenWhenTheSweepAndAFanOutRace()
    {
        await using var smtp = new SmtpListener();
        using var hooks = new WebhookReceiver();
        await using var api = new ApiFactory
        {
            Settings = { ["Smtp:Host"] = "127.0.0.1", ["Smtp:Port"] = smtp.Port.ToString(), ["Smtp:From"] = "alerts@provider.test" },
        };
        _ = api.Server;
        var admin = await api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = await IdAsync(await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Acme Corp", alert_emails = new[] { "ops@acme.test" } }));
        var webhook = await Ok(await admin.PostAsJsonAsync("/api/v1/webhooks", new { url = hooks.Url, description = "ops" }));
        hooks.Secret = webhook.GetProperty("secret").GetString();
        var alert = await IdAsync(await admin.PostAsJsonAsync("/api/v1/alerts", new
        {
            alert_type = "spend_threshold_reached", name = "Spend limit", threshold = 100, client_id = client, channels = new[] { "email", "webhook" },
        }));
        var stuck = await RecordStuckNotificationAsync(api.Services, alert, client, api.Clock.GetUtcNow().UtcDateTime);

        // Within the grace period nothing is owed: the normal path may still be on its way.
        var sweeper = api.Services.GetRequiredService<AlertDeliverySweeper>();
        api.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await sweeper.SweepAsync());

        // Past it the mail and the endpoint are owed their first attempt. Moving the clock also fires
        // the sweeper's own timer; a fan-out job surviving somewhere races both.
        api.Clock.Advance(TimeSpan.FromMinutes(1));
        var swept = await Task.WhenAll(sweeper.SweepAsync(), sweeper.SweepAsync());
        api.Services.GetRequiredService<AlertDispatcher>().Dispatch(stuck);
        var handed = swept.SelectMany(s => s).ToList();
        Assert.True(handed.Count <= 2, $"Handed over {handed.Count} times.");

        await smtp.WaitForAsync(1, TimeSpan.FromSeconds(15));
        await hooks.WaitForAsync(1, TimeSpan.FromSeconds(15));
        await Task.Delay(TimeSpan.FromSeconds(3));
        api.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Empty(await sweeper.SweepAsync());
        await Task.Delay(TimeSpan.FromSeconds(2));

        var mail = Assert.Single(smtp.Received);
        Assert.Equal(new[] { "ops@acme.test" }, mail.Recipients);
        var request = Assert.Single(hooks.Received);
        Assert.True(request.SignatureValid);
        Assert.Equal("msg_stuck", request.Id);
        var attempts = (await Ok(await admin.GetAsync($"/api/v1/alerts/{alert}/notifications"))).EnumerateArray().Single()
            .GetProperty("attempts").EnumerateArray()
            .Select(a => (a.GetProperty("channel").GetString()!, a.GetProperty("attempt").GetInt32(), a.GetProperty("success").GetBoolean()))
            .OrderBy(a => a.Item1).ToList();
        Assert.Equal(new[] { ("email", 1, true), ("webhook", 1, true) }, attempts);
    }

    [Fact]
    public async Task OnlyAttemptsNobodyMadeOrWhoseRetryIsOverdueAreOwed()
    {
        await using var app = await TestApp.CreateAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var client = (await app.Service<ClientService>(TestApp.Admin)
            .CreateAsync(new ClientInput("Acme Corp", true, new[] { "ops@acme.test" }))).Id;
        var alerts = app.Service<AlertService>(TestApp.Admin);
        var mailOnly = (await alerts.CreateAsync(new AlertInput("spend_threshold_reached", "Mail", 100, client, Channels: new[] { "email" }))).Id;
        var both = (await alerts.CreateAsync(new AlertInput("spend_threshold_reached", "Both", 100, client, Channels: new[] { "email", "webhook" }))).Id;
        var archived = (await alerts.CreateAsync(new AlertInput("spend_threshold_reached", "Old", 100, client, Channels: new[] { "email" }))).Id;
        var endpoint = (await app.Service<WebhookService>(TestApp.Admin).CreateAsync(new WebhookInput("http://127.0.0.1:9/hooks", "ops"))).Id;
        await alerts.ArchiveAsync(archived);

        var minutesAgo = (int m) => now - TimeSpan.FromMinutes(m);
        // Half a minute old once the clock moves on below: still within the grace period.
        var fresh = await RecordStuckNotificationAsync(app.Services, mailOnly, client, now + TimeSpan.FromSeconds(90), "msg_fresh");
        var never = await RecordStuckNotificationAsync(app.Services, mailOnly, client, minutesAgo(5), "msg_never");
        var begun = await RecordStuckNotificationAsync(app.Services, mailOnly, client, minutesAgo(5), "msg_begun");
        var delivered = await RecordStuckNotificationAsync(app.Services, mailOnly, client, minutesAgo(5), "msg_delivered");
        var overdue = await RecordStuckNotificationAsync(app.Services, mailOnly, client, minutesAgo(50), "msg_overdue");
        var waiting = await RecordStuckNotificationAsync(app.Services, mailOnly, client, minutesAgo(50), "msg_waiting");
        var gaveUp = await RecordStuckNotificationAsync(app.Services, mailOnly, client, minutesAgo(50), "msg_gave_up");
        var ancient = await RecordStuckNotificationAsync(app.Services, mailOnly, client, now - TimeSpan.FromDays(8), "msg_ancient");
        await RecordStuckNotificationAsync(app.Services, archived, client, minutesAgo(5), "msg_archived");
        // The endpoint was registered at "now": a crossing before it was never owed a webhook.
        var beforeEndpoint = await RecordStuckNotificationAsync(app.Services, both, client, minutesAgo(5), "msg_before_endpoint");
        var afterEndpoint = await RecordStuckNotificationAsync(app.Services, both, client, now, "msg_after_endpoint");
        app.Clock.Advance(TimeSpan.FromMinutes(2));

        await using (var db = app.Db())
        {
            AlertDeliveryAttempt Mail(long n, int attempt, bool ok, string? error, DateTime? next) => new()
            {
                NotificationId = n, Channel = NotificationChannel.Email, Target = "ops@acme.test", Attempt = attempt, AttemptedAt = minutesAgo(40),
                Success = ok, Error = error, NextAttemptAt = next,
            };
            db.AlertDeliveryAttempts.AddRange(
                Mail(begun, 1, false, null, null),
                Mail(delivered, 1, true, null, null),
                Mail(overdue, 1, false, "Connection refused", minutesAgo(35)), Mail(overdue, 2, false, "Connection refused", minutesAgo(10)),
                Mail(waiting, 1, false, "Connection refused", now + TimeSpan.FromMinutes(20)),
                Mail(gaveUp, 1, false, "Connection refused", null));
            await db.SaveChangesAsync();
        }

        var owed = await app.Service<AlertDeliverySweep>(TestApp.Admin).FindOwedAsync();

        Assert.Equal(new[]
        {
            new OwedDelivery(never, NotificationChannel.Email, null, 1),
            new OwedDelivery(overdue, NotificationChannel.Email, null, 3),
            new OwedDelivery(beforeEndpoint, NotificationChannel.Email, null, 1),
            new OwedDelivery(afterEndpoint, NotificationChannel.Email, null, 1),
            new OwedDelivery(afterEndpoint, NotificationChannel.Webhook, endpoint, 1),
        }, owed);
        Assert.DoesNotContain(owed, o => o.NotificationId == fresh || o.NotificationId == ancient);
    }

    [Fact]
    public async Task AnAttemptAlreadyBegunIsNotSentAgain()
    {
        using var hooks = new WebhookReceiver();
        await using var app = await TestApp.CreateAsync();
        var client = (await app.Service<ClientService>(TestApp.Admin)
            .CreateAsync(new ClientInput("Acme Corp", true, null))).Id;
        var endpoint = (await app.Service<WebhookService>(TestApp.Admin).CreateAsync(new WebhookInput(hooks.Url, "ops"))).Id;
        var alert = (await app.Service<AlertService>(TestApp.Admin)
            .CreateAsync(new AlertInput("spend_threshold_reached", "Hooked", 100, client, Channels: new[] { "webhook" }))).Id;
        var notification = await RecordStuckNotificationAsync(app.Services, alert, client, app.Clock.GetUtcNow().UtcDateTime);
        var delivery = app.Service<AlertDelivery>(TestApp.Admin);

        await Task.WhenAll(delivery.SendWebhookAsync(notification, endpoint, 1), delivery.SendWebhookAsync(notification, endpoint, 1));
        await delivery.SendWebhookAsync(notification, endpoint, 1);

        Assert.Single(hooks.Received);
        await using var db = app.Db();
        Assert.Single(await db.AlertDeliveryAttempts.Where(a => a.NotificationId == notification).ToListAsync());
    }

    /// <summary>What the evaluator writes on a crossing, without the dispatch that should follow it.</summary>
    private static async Task<long> RecordStuckNotificationAsync(IServiceProvider services, int alert, int client, DateTime triggeredAt,
        string messageId = "msg_stuck")
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var notification = new AlertNotification
        {
            AlertId = alert, ClientId = client, MessageId = messageId, Value = 115, Threshold = 100,
            PeriodStart = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), TriggeredAt = triggeredAt,
        };
        db.AlertNotifications.Add(notification);
        await db.SaveChangesAsync();
        return notification.Id;
    }

    private static async Task<JsonElement> Ok(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<int> IdAsync(HttpResponseMessage response) => (await Ok(response)).GetProperty("id").GetInt32();
}
