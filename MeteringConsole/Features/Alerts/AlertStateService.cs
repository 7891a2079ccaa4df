using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Alerts;

/// <summary>
/// One client's state for one alert (GET /customer-alerts): <c>value</c> is what put it in its
/// status, <c>current_value</c> what the last evaluation found.
/// </summary>
public sealed record CustomerAlertRow(int AlertId, string AlertName, string AlertType, string Severity, int ClientId, string ClientName,
    string Status, decimal? Value, decimal? CurrentValue, decimal Threshold, DateTime? TriggeredAt, string? PeriodStart, DateTime? EvaluatedAt)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool InAlarm => Status == AlertCatalog.Name(AlertStatus.InAlarm);
}

/// <summary>One delivery attempt.</summary>
public sealed record DeliveryAttemptRow(long Id, string Channel, string Target, int Attempt, DateTime AttemptedAt, bool Success,
    int? StatusCode, string? Error, DateTime? NextAttemptAt);

/// <summary>A crossing and every attempt to deliver it.</summary>
public sealed record NotificationRow(long Id, int AlertId, int ClientId, string ClientName, string MessageId, decimal Value, decimal Threshold,
    string? PeriodStart, DateTime TriggeredAt, IReadOnlyList<DeliveryAttemptRow> Attempts);

/// <summary>A line of the notification log: one attempt, with its notification.</summary>
public sealed record NotificationLogRow(long AttemptId, long NotificationId, int AlertId, string AlertName, string Severity, string ClientName,
    string Channel, string Target, int Attempt, DateTime AttemptedAt, bool Success, int? StatusCode, string? Error, DateTime? NextAttemptAt);

/// <summary>Reads of alert states and notifications: customer alerts, a client's states, the notification log, hard alarms.</summary>
public sealed class AlertStateService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _billing;

    public AlertStateService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, BillingSettings billing)
    {
        _dbs = dbs;
        _actor = actor;
        _billing = billing;
    }

    /// <summary>Every active alert's state for each client it applies to (one client's, or all the actor may see).</summary>
    public async Task<IReadOnlyList<CustomerAlertRow>> CustomerAlertsAsync(int? clientId, int? alertId = null)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (clientId is int c && !actor.MaySee(c)) throw new ForbiddenException("This API key is scoped to another client.");
        var client = clientId ?? actor.ClientScope;
        await using var db = await _dbs.CreateDbContextAsync();
        if (client is int id && !await db.Clients.AnyAsync(x => x.Id == id)) throw new NotFoundException("Client", id);
        var alerts = db.Alerts.AsNoTracking().Where(a => a.ArchivedAt == null);
        if (alertId is int only)
        {
            var alert = await AlertService.FindVisibleAsync(db, only, actor);
            if (alert.ArchivedAt is not null) throw new NotFoundException("Active alert", only);
            if (client is int x && alert.ClientId is int y && x != y) throw new NotFoundException($"Alert {only} for client", x);
            alerts = alerts.Where(a => a.Id == only);
        }
        var clients = db.Clients.AsNoTracking().Where(x => client == null ? x.Enabled : x.Id == client);
        var pairs = await (from a in alerts
                           from cl in clients
                           where a.ClientId == null || a.ClientId == cl.Id
                           join s in db.AlertClientStates on new { A = a.Id, C = cl.Id } equals new { A = s.AlertId, C = s.ClientId } into states
                           from s in states.DefaultIfEmpty()
                           orderby cl.Name, a.Name
                           select new { Alert = a, ClientId = cl.Id, ClientName = cl.Name, State = s }).ToListAsync();
        return pairs.Select(p => new CustomerAlertRow(p.Alert.Id, p.Alert.Name, AlertCatalog.Name(p.Alert.Type), AlertCatalog.Name(p.Alert.Severity),
            p.ClientId, p.ClientName, AlertCatalog.Name(p.State?.Status ?? AlertStatus.Ok), Trim(p.State?.Value), Trim(p.State?.CurrentValue),
            AlertService.Trim(p.Alert.Threshold), p.State?.TriggeredAt, PeriodName(p.State?.PeriodStart), p.State?.EvaluatedAt)).ToList();
    }

    /// <summary>One client's state for one alert.</summary>
    public async Task<CustomerAlertRow> CustomerAlertAsync(int alertId, int? clientId)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (clientId is null && actor.ClientScope is null)
        {
            await using var db = await _dbs.CreateDbContextAsync();
            var alert = await AlertService.FindVisibleAsync(db, alertId, actor);
            clientId = alert.ClientId ?? throw new ValidationException("client_id", "This alert applies to every client: name the client.");
        }
        var rows = await CustomerAlertsAsync(clientId, alertId);
        return rows.FirstOrDefault() ?? throw new NotFoundException($"Alert {alertId} for client", clientId ?? actor.ClientScope ?? 0);
    }

    /// <summary>Clients in a hard alarm of an active alert: marked in the clients list and on their page.</summary>
    public async Task<IReadOnlySet<int>> HardAlarmClientIdsAsync()
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        return (await db.AlertClientStates.AsNoTracking()
            .Where(s => s.Status == AlertStatus.InAlarm && s.Alert!.ArchivedAt == null && s.Alert.Severity == AlertSeverity.Hard)
            .Select(s => s.ClientId).Distinct().ToListAsync()).ToHashSet();
    }

    public async Task<IReadOnlyList<NotificationRow>> NotificationsAsync(int alertId)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        await AlertService.FindVisibleAsync(db, alertId, actor);
        var notifications = await db.AlertNotifications.AsNoTracking()
            .Where(n => n.AlertId == alertId && (actor.ClientScope == null || n.ClientId == actor.ClientScope))
            .OrderByDescending(n => n.Id).Take(500).ToListAsync();
        var ids = notifications.Select(n => n.Id).ToList();
        var attempts = (await db.AlertDeliveryAttempts.AsNoTracking().Where(x => ids.Contains(x.NotificationId)).OrderBy(x => x.Id).ToListAsync())
            .ToLookup(x => x.NotificationId);
        var clientIds = notifications.Select(n => n.ClientId).Distinct().ToList();
        var names = await db.Clients.AsNoTracking().Where(c => clientIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name);
        return notifications.Select(n => new NotificationRow(n.Id, n.AlertId, n.ClientId, names.GetValueOrDefault(n.ClientId, "?"), n.MessageId,
            AlertService.Trim(n.Value), AlertService.Trim(n.Threshold), PeriodName(n.PeriodStart), n.TriggeredAt,
            attempts[n.Id].Select(a => new DeliveryAttemptRow(a.Id, AlertCatalog.Name(a.Channel), a.Target, a.Attempt, a.AttemptedAt, a.Success,
                a.StatusCode, a.Error, a.NextAttemptAt)).ToList())).ToList();
    }

    /// <summary>Every delivery attempt, newest first: the Alerts page's notification log.</summary>
    public async Task<Page<NotificationLogRow>> LogAsync(PageRequest page, bool failedOnly = false)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = from x in db.AlertDeliveryAttempts.AsNoTracking()
                    join n in db.AlertNotifications on x.NotificationId equals n.Id
                    join a in db.Alerts on n.AlertId equals a.Id
                    join c in db.Clients on n.ClientId equals c.Id
                    where actor.ClientScope == null || n.ClientId == actor.ClientScope
                    where !failedOnly || !x.Success
                    select new { x, n, a.Name, a.Severity, ClientName = c.Name };
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(r => r.x.Id).Skip(page.SafeSkip).Take(page.SafeTake).ToListAsync();
        return new Page<NotificationLogRow>(rows.Select(r => new NotificationLogRow(r.x.Id, r.n.Id, r.n.AlertId, r.Name, AlertCatalog.Name(r.Severity),
            r.ClientName, AlertCatalog.Name(r.x.Channel), r.x.Target, r.x.Attempt, r.x.AttemptedAt, r.x.Success, r.x.StatusCode, r.x.Error,
            r.x.NextAttemptAt)).ToList(), total);
    }

    private string? PeriodName(DateTime? start) => start is DateTime s ? _billing.PeriodStartingAtUtc(s)?.Name : null;

    private static decimal? Trim(decimal? value) => value is decimal v ? AlertService.Trim(v) : null;
}
