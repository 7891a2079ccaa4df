using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Alerts;

/// <summary>A client in alarm for an alert.</summary>
public sealed record AlarmedClient(int ClientId, string ClientName, DateTime? TriggeredAt);

/// <summary>An alert as the API and the Alerts page show it.</summary>
public sealed record AlertRow(int Id, string Name, string AlertType, decimal Threshold, int? ClientId, string? ClientName, string? UnitType,
    string? Window, string? Direction, string Severity, IReadOnlyList<string> Channels, IReadOnlyList<string> ExtraRecipients, bool Archived,
    DateTime? ArchivedAt, DateTime CreatedAt, IReadOnlyList<AlarmedClient> ClientsInAlarm);

public sealed record AlertFilter(int? ClientId = null, bool IncludeArchived = false, string? Search = null);

/// <summary>Alerts: create (evaluated at once), list with the clients in alarm, archive. Rules never change after creation.</summary>
public sealed class AlertService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly CurrentActor _actor;
    private readonly AlertEvaluator _evaluator;
    private readonly AlertEvaluationSignal _signal;
    private readonly TimeProvider _clock;
    private readonly ILogger<AlertService> _log;

    public AlertService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, AlertEvaluator evaluator, AlertEvaluationSignal signal,
        TimeProvider clock, ILogger<AlertService> log)
    {
        _signal = signal;
        _dbs = dbs;
        _actor = actor;
        _evaluator = evaluator;
        _clock = clock;
        _log = log;
    }

    /// <param name="filter">A client: the alerts that apply to it (its own and those for all clients).</param>
    public async Task<Page<AlertRow>> ListAsync(AlertFilter filter, PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (filter.ClientId is int c && !actor.MaySee(c)) throw new ForbiddenException("This API key is scoped to another client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.Alerts.AsNoTracking();
        if (!filter.IncludeArchived) query = query.Where(a => a.ArchivedAt == null);
        if ((filter.ClientId ?? actor.ClientScope) is int client) query = query.Where(a => a.ClientId == null || a.ClientId == client);
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var search = filter.Search.Trim();
            query = query.Where(a => a.Name.Contains(search) || (a.Client != null && a.Client.Name.Contains(search)));
        }
        var total = await query.CountAsync();
        var alerts = await Sorts.Apply(query.Include(a => a.Client).Include(a => a.UnitType), page.OrderBy).Page(page).ToListAsync();
        return new Page<AlertRow>(await RowsAsync(db, alerts, actor), total);
    }

    public async Task<AlertRow> GetAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var alert = await FindVisibleAsync(db, id, actor);
        return (await RowsAsync(db, new[] { alert }, actor))[0];
    }

    /// <summary>Creates an alert and evaluates it at once, so a client already past the threshold is notified now.</summary>
    public async Task<AlertRow> CreateAsync(AlertInput input)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        if (actor.ClientScope is int scope && input.ClientId != scope)
            throw new ForbiddenException($"This API key is scoped to client {scope}: its alerts must name that client.");
        int id;
        await using (var db = await _dbs.CreateDbContextAsync())
        {
            var unitTypes = await db.UnitTypes.AsNoTracking().ToDictionaryAsync(u => u.Name, u => u.Id, StringComparer.OrdinalIgnoreCase);
            var clientExists = input.ClientId is int c && await db.Clients.AnyAsync(x => x.Id == c);
            var alert = AlertInputRules.Validate(input, unitTypes, clientExists, _clock.GetUtcNow().UtcDateTime);
            db.Alerts.Add(alert);
            await db.SaveChangesAsync();
            id = alert.Id;
        }
        _signal.AlertsChanged();
        try
        {
            await _evaluator.EvaluateAsync(id);
        }
        catch (Exception e)
        {
            // The alert stands; the next ingest batch or job run evaluates it again.
            _log.LogError(e, "Alert {Alert} was created but its first evaluation failed", id);
        }
        return await GetAsync(id);
    }

    /// <summary>Archives an alert: it stops evaluating and notifies nothing more, retries included. Archiving twice is harmless.</summary>
    public async Task<AlertRow> ArchiveAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        await using (var db = await _dbs.CreateDbContextAsync())
        {
            var alert = await FindVisibleAsync(db, id, actor, tracking: true);
            if (actor.ClientScope is not null && alert.ClientId is null)
                throw new ForbiddenException("A client-scoped key cannot archive an alert that applies to every client.");
            if (alert.ArchivedAt is null)
            {
                alert.ArchivedAt = _clock.GetUtcNow().UtcDateTime;
                await db.SaveChangesAsync();
                _signal.AlertsChanged();
            }
        }
        return await GetAsync(id);
    }

    internal static async Task<Alert> FindVisibleAsync(AppDbContext db, int id, Actor actor, bool tracking = false)
    {
        var query = tracking ? db.Alerts : db.Alerts.AsNoTracking();
        var alert = await query.Include(a => a.Client).Include(a => a.UnitType).FirstOrDefaultAsync(a => a.Id == id)
            ?? throw new NotFoundException("Alert", id);
        if (alert.ClientId is int c && !actor.MaySee(c)) throw new ForbiddenException("This API key is scoped to another client.");
        return alert;
    }

    private static async Task<List<AlertRow>> RowsAsync(AppDbContext db, IReadOnlyList<Alert> alerts, Actor actor)
    {
        var ids = alerts.Select(a => a.Id).ToList();
        var alarms = await db.AlertClientStates.AsNoTracking()
            .Where(s => ids.Contains(s.AlertId) && s.Status == AlertStatus.InAlarm && (actor.ClientScope == null || s.ClientId == actor.ClientScope))
            .OrderBy(s => s.Client!.Name)
            .Select(s => new { s.AlertId, s.ClientId, ClientName = s.Client!.Name, s.TriggeredAt })
            .ToListAsync();
        return alerts.Select(a => new AlertRow(a.Id, a.Name, AlertCatalog.Name(a.Type), Trim(a.Threshold), a.ClientId, a.Client?.Name,
            a.UnitType?.Name, a.Window is AlertWindow w ? AlertCatalog.Name(w) : null,
            a.Direction is ChangeDirection d ? AlertCatalog.Name(d) : null, AlertCatalog.Name(a.Severity), Channels(a),
            AlertMail.Recipients(a.ExtraRecipients), a.ArchivedAt is not null, a.ArchivedAt, a.CreatedAt,
            alarms.Where(s => s.AlertId == a.Id).Select(s => new AlarmedClient(s.ClientId, s.ClientName, s.TriggeredAt)).ToList())).ToList();
    }

    private static IReadOnlyList<string> Channels(Alert a)
        => new[] { a.NotifyEmail ? "email" : null, a.NotifyWebhook ? "webhook" : null }.OfType<string>().ToList();

    /// <summary>Drops the trailing zeros that reading millionths back leaves.</summary>
    internal static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    private static readonly SortMap<Alert> Sorts = new SortMap<Alert>("CreatedAt desc")
        .Add("Id", a => a.Id).Add("Name", a => a.Name).Add("AlertType", a => a.Type).Add("Threshold", a => a.Threshold)
        .Add("ClientName", a => a.Client!.Name).Add("Severity", a => a.Severity).Add("CreatedAt", a => a.Id);
}
