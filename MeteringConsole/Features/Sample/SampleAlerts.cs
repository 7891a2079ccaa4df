using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Alerts;
using MeteringConsole.Features.ApiKeys;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Clients;
using MeteringConsole.Features.Monitors;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// Alerts, webhook endpoints and monitors for the sample, made as the console would have made
/// them: the alerting configuration by a provisioning API key (so the Audit Log's API key column
/// has something to show) through the real services, evaluated as of the anchor so some clients
/// are in alarm, then each crossing's delivery attempts written into the notification log as a
/// running console would have recorded them. Nothing is sent: the sample's host runs no jobs, its
/// mail is not configured and its endpoints are on <c>.invalid</c> hosts, which never resolve.
/// </summary>
internal sealed class SampleAlerts
{
    public const string ProvisioningKeyName = "terraform-alerting";

    private readonly IServiceProvider _services;
    private readonly AppDbContext _db;
    private readonly ApiKeyService _apiKeys;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _settings;
    private readonly DatabaseOptions _database;

    public SampleAlerts(IServiceProvider services, AppDbContext db, ApiKeyService apiKeys, CurrentActor actor, BillingSettings settings,
        DatabaseOptions database)
    {
        _services = services;
        _db = db;
        _apiKeys = apiKeys;
        _actor = actor;
        _settings = settings;
        _database = database;
    }

    /// <returns>The alerts made and the notifications they recorded.</returns>
    public async Task<(int Alerts, int Notifications)> AddAsync(DateTime anchor, CancellationToken ct)
    {
        var clock = new AnchorClock(anchor);
        var key = (await _apiKeys.CreateAsync(new ApiKeyInput(ProvisioningKeyName, ApiKeyRole.Admin, null))).Key;
        var previous = await _actor.GetAsync();
        var values = await ReadValuesAsync(anchor, ct);
        int ops, legacy;
        List<int> alerts;
        _actor.Set(new Actor(ActorKind.ApiKey, key.Name, Roles.Admin, ApiKeyId: key.Id));
        try
        {
            var webhooks = ActivatorUtilities.CreateInstance<WebhookService>(_services, new AnchorClock(anchor.AddDays(-45)));
            ops = (await webhooks.CreateAsync(new WebhookInput("https://hooks.finance-ops.example.invalid/metering/alerts",
                "Finance ops alert channel"))).Id;
            legacy = (await webhooks.CreateAsync(new WebhookInput("https://pager.legacy.example.invalid/v1/hook",
                "Old paging integration (replaced by the finance ops channel)"))).Id;
            // Who is told about a big client's alarms: its account team too.
            var top = values.Spend.MaxBy(v => v.Value).Key;
            var row = await _services.GetRequiredService<ClientService>().GetAsync(top);
            await _services.GetRequiredService<ClientService>().UpdateAsync(top,
                new ClientInput(row.Name, row.Enabled, row.AlertEmails.Append("account-team@provider.example").ToList()));
            // Its "recorded but not delivered" warnings would be noise here: the deliveries are logged below.
            var dispatcher = ActivatorUtilities.CreateInstance<AlertDispatcher>(_services, NullLogger<AlertDispatcher>.Instance);
            var evaluator = ActivatorUtilities.CreateInstance<AlertEvaluator>(_services, clock, dispatcher);
            var service = ActivatorUtilities.CreateInstance<AlertService>(_services, evaluator, clock);
            alerts = new List<int>();
            foreach (var input in Plan(values)) alerts.Add((await service.CreateAsync(input)).Id);
        }
        finally
        {
            _actor.Set(previous);
        }
        await UseKeyAsync(key.Id, anchor);
        await AddMonitorsAsync(clock);
        var notifications = await RecordDeliveriesAsync(ops, legacy, ct);
        return (alerts.Count, notifications);
    }

    /// <summary>The figures each alert type compares, per enabled client, as of the anchor.</summary>
    private sealed record Values(Dictionary<int, decimal> Spend, Dictionary<int, decimal> Invoice, Dictionary<int, decimal> Balance,
        Dictionary<int, decimal> ProjectedOverage, Dictionary<int, decimal> VcpuHours, int VcpuHoursId);

    private async Task<Values> ReadValuesAsync(DateTime anchor, CancellationToken ct)
    {
        var clients = await _db.Clients.AsNoTracking().Where(c => c.Enabled).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        var vcpu = await _db.UnitTypes.AsNoTracking().Where(u => u.Name == SampleCatalog.VcpuHours).Select(u => u.Id).SingleAsync(ct);
        var probes = new[]
        {
            new Alert { Type = AlertType.SpendThresholdReached }, new Alert { Type = AlertType.InvoiceTotalReached },
            new Alert { Type = AlertType.LowRemainingCommitBalanceReached, Threshold = decimal.MaxValue },
            new Alert { Type = AlertType.ProjectedOverage }, new Alert { Type = AlertType.UsageThresholdReached, UnitTypeId = vcpu },
        };
        await using var connection = await SqliteSetup.OpenAsync(_database.ConnectionString, ct);
        var metrics = await AlertMetrics.LoadAsync(connection, _settings, anchor, probes, ct);
        Dictionary<int, decimal> Of(Alert probe, Func<AlertReading, bool> counts) => clients
            .Select(c => (Client: c, Reading: metrics.Read(probe, c))).Where(r => r.Reading.Value is not null && counts(r.Reading))
            .ToDictionary(r => r.Client, r => r.Reading.Value!.Value);
        return new Values(Of(probes[0], _ => true), Of(probes[1], _ => true), Of(probes[2], _ => true),
            Of(probes[3], r => r.InAlarm && r.Value > 0), Of(probes[4], r => r.Value > 0), vcpu);
    }

    /// <summary>
    /// Thresholds from the figures, so that on any anchor some clients are past them: the top fifth
    /// over the spend plan, a few at the invoice cap, the rest of the types on one client each.
    /// </summary>
    private static IEnumerable<AlertInput> Plan(Values v)
    {
        string[] both = { "email", "webhook" };
        yield return new AlertInput("spend_threshold_reached", "Monthly spend over plan", Down(Rank(v.Spend, 5)), Severity: "soft", Channels: both);
        yield return new AlertInput("invoice_total_reached", "Invoice cap", Down(Rank(v.Invoice, 12)), Severity: "hard", Channels: both,
            ExtraRecipients: new[] { "billing-escalations@provider.example" });
        if (v.ProjectedOverage.Count > 0)
            yield return new AlertInput("projected_overage", "Heading for overage", Down(Rank(v.ProjectedOverage, 3)), Severity: "soft",
                Channels: new[] { "webhook" });
        yield return new AlertInput("usage_change_percent", "vCPU usage surge", 50, UnitType: SampleCatalog.VcpuHours, Window: "week",
            Direction: "up", Severity: "soft", Channels: new[] { "email" });
        if (v.Balance.Count > 0)
        {
            var (client, balance) = v.Balance.OrderBy(b => b.Value).ThenBy(b => b.Key).ElementAt(v.Balance.Count / 2);
            yield return new AlertInput("low_remaining_commit_balance_reached", "Commit balance running low", Up(balance), client,
                Severity: "soft", Channels: new[] { "email" });
        }
        if (v.VcpuHours.Count > 0)
        {
            var (client, hours) = v.VcpuHours.MaxBy(h => h.Value);
            yield return new AlertInput("usage_threshold_reached", "vCPU hours hard limit", Down(hours), client, SampleCatalog.VcpuHours,
                Severity: "hard", Channels: both);
        }
    }

    /// <summary>The value that about one in <paramref name="every"/> clients reaches (the highest ones).</summary>
    private static decimal Rank(Dictionary<int, decimal> values, int every)
    {
        var sorted = values.Values.OrderByDescending(x => x).ToList();
        return sorted.Count == 0 ? 1000 : sorted[Math.Max(1, sorted.Count / every) - 1];
    }

    /// <summary>Two significant figures, rounded down (reached by the value) or up (a balance at or under it).</summary>
    internal static decimal Down(decimal value) => Round(value, Math.Floor);

    internal static decimal Up(decimal value) => Round(value, Math.Ceiling);

    private static decimal Round(decimal value, Func<decimal, decimal> how)
    {
        if (value <= 0) return 0;
        var step = (decimal)Math.Pow(10, Math.Floor(Math.Log10((double)value)) - 1);
        return Math.Max(how(value / step) * step, 0.01m);
    }

    private async Task UseKeyAsync(int keyId, DateTime anchor)
    {
        var key = await _db.ApiKeys.SingleAsync(k => k.Id == keyId);
        (key.CreatedAt, key.LastUsedAt) = (anchor.AddDays(-60), anchor);
        await _db.SaveChangesAsync();
    }

    private async Task AddMonitorsAsync(TimeProvider clock)
    {
        var monitors = ActivatorUtilities.CreateInstance<MonitorService>(_services, clock);
        var previous = await _actor.GetAsync();
        _actor.Set(new Actor(ActorKind.User, "admin@example.com", Roles.Admin));
        try
        {
            await monitors.CreateAsync(new MonitorInput("Invoice total to date",
                "What each client's invoice for the period totals so far, all buckets summed.", "contract", "invoice_total"));
            await monitors.CreateAsync(new MonitorInput("Billed amount to date",
                "The period's billed amount so far: commit plus overage, priced as a billing run would.", "contract", "billed_amount"));
            await monitors.CreateAsync(new MonitorInput("vCPU hours this period",
                "vCPU hours used since the period began, every source summed.", "usage_aggregate", UnitType: SampleCatalog.VcpuHours,
                Aggregation: "sum"));
        }
        finally
        {
            _actor.Set(previous);
        }
    }

    /// <summary>
    /// What the delivery jobs would have logged for each crossing: the mail delivered, and each
    /// webhook delivered, some after a retry; the old paging endpoint answered 410 to the first
    /// and was disabled, as the delivery disables it.
    /// </summary>
    private async Task<int> RecordDeliveriesAsync(int ops, int legacy, CancellationToken ct)
    {
        var notifications = await (from n in _db.AlertNotifications
                                   join a in _db.Alerts on n.AlertId equals a.Id
                                   join c in _db.Clients on n.ClientId equals c.Id
                                   orderby n.Id
                                   select new { n.Id, n.TriggeredAt, a.NotifyEmail, a.NotifyWebhook, a.ExtraRecipients, c.AlertEmails }).ToListAsync(ct);
        var urls = await _db.WebhookEndpoints.ToDictionaryAsync(e => e.Id, e => e.Url, ct);
        var legacyDisabled = false;
        for (var i = 0; i < notifications.Count; i++)
        {
            var n = notifications[i];
            var at = n.TriggeredAt.AddSeconds(2);
            if (n.NotifyEmail)
            {
                var to = string.Join(", ", AlertMail.Recipients(n.AlertEmails, n.ExtraRecipients));
                _db.AlertDeliveryAttempts.Add(Attempt(n.Id, NotificationChannel.Email, null, to, 1, at, true, null, null, null));
            }
            if (!n.NotifyWebhook) continue;
            var hook = (int attempt, DateTime when, int? status, string? error, TimeSpan? retry) =>
                _db.AlertDeliveryAttempts.Add(Attempt(n.Id, NotificationChannel.Webhook, ops, urls[ops], attempt, when, status is >= 200 and < 300, status, error, retry));
            switch (i % 5)
            {
                case 1:
                    hook(1, at, 503, "Answered 503 Service Unavailable.", TimeSpan.FromSeconds(5));
                    hook(2, at.AddSeconds(5), 200, null, null);
                    break;
                case 3:
                    hook(1, at, null, "No answer within 10 s.", TimeSpan.FromSeconds(5));
                    hook(2, at.AddSeconds(15), 202, null, null);
                    break;
                default:
                    hook(1, at, 200, null, null);
                    break;
            }
            if (legacyDisabled) continue;
            _db.AlertDeliveryAttempts.Add(Attempt(n.Id, NotificationChannel.Webhook, legacy, urls[legacy], 1, at, false, 410,
                "410 Gone: the endpoint was disabled.", null));
            var endpoint = await _db.WebhookEndpoints.SingleAsync(e => e.Id == legacy, ct);
            (endpoint.Enabled, endpoint.DisabledReason) = (false, $"Answered 410 Gone on {at:yyyy-MM-dd HH:mm} UTC; disabled.");
            legacyDisabled = true;
        }
        var actor = await _actor.GetAsync();
        _actor.Set(Actor.System("alerts"));
        try
        {
            await _db.SaveChangesAsync(ct);
        }
        finally
        {
            _actor.Set(actor);
        }
        return notifications.Count;
    }

    private static AlertDeliveryAttempt Attempt(long notification, NotificationChannel channel, int? endpoint, string target, int attempt,
        DateTime at, bool success, int? status, string? error, TimeSpan? retry) => new()
    {
        NotificationId = notification, Channel = channel, WebhookEndpointId = endpoint, Target = target, Attempt = attempt, AttemptedAt = at,
        Success = success, StatusCode = status, Error = error, NextAttemptAt = retry is TimeSpan wait ? at + wait : null,
    };

    /// <summary>The anchor as "now" for what the sample configures and evaluates, whatever the wall clock says.</summary>
    private sealed class AnchorClock(DateTime anchor) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(DateTime.SpecifyKind(anchor, DateTimeKind.Utc));
    }
}
