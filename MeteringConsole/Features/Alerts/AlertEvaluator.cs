using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Alerts;

/// <summary>
/// What one evaluation did, and how long it took: reading the figures, waiting for its turn at the
/// write gate, and the state transaction (the part that holds ingest back).
/// </summary>
public sealed record EvaluationOutcome(int Alerts, int States, IReadOnlyList<long> Notifications, int Cleared)
{
    public int Triggered => Notifications.Count;
    public TimeSpan Reading { get; init; }
    public TimeSpan Waiting { get; init; }
    public TimeSpan Writing { get; init; }
}

/// <summary>
/// Evaluates active alerts for every client they apply to and moves each (alert, client) state.
/// The figures are read first, on a snapshot; the states then change in one write transaction
/// with conditional updates, so ok → in_alarm happens once per crossing however many evaluators
/// (jobs, alert creation, other processes) run at once or again after a restart: only the update
/// that finds the row still ok records a notification. Deliveries are handed to the jobs after
/// the commit.
/// </summary>
public sealed class AlertEvaluator
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly DatabaseOptions _database;
    private readonly BillingSettings _settings;
    private readonly AlertDispatcher _dispatcher;
    private readonly TimeProvider _clock;
    private readonly DatabaseWriteGate _gate;

    public AlertEvaluator(IDbContextFactory<AppDbContext> dbs, DatabaseOptions database, BillingSettings settings, AlertDispatcher dispatcher,
        TimeProvider clock, DatabaseWriteGate gate)
    {
        _gate = gate;
        _dbs = dbs;
        _database = database;
        _settings = settings;
        _dispatcher = dispatcher;
        _clock = clock;
    }

    /// <param name="alertId">Only this alert (just created), or every active one.</param>
    public async Task<EvaluationOutcome> EvaluateAsync(int? alertId = null, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var started = Stopwatch.GetTimestamp();
        List<Alert> alerts;
        List<int> clients;
        await using (var db = await _dbs.CreateDbContextAsync(ct))
        {
            var query = db.Alerts.AsNoTracking().Where(a => a.ArchivedAt == null);
            if (alertId is int id) query = query.Where(a => a.Id == id);
            alerts = await query.OrderBy(a => a.Id).ToListAsync(ct);
            if (alerts.Count == 0) return new EvaluationOutcome(0, 0, Array.Empty<long>(), 0);
            clients = await db.Clients.AsNoTracking().Where(c => c.Enabled).OrderBy(c => c.Id).Select(c => c.Id).ToListAsync(ct);
        }

        await using var connection = await _database.OpenAsync(ct);
        var metrics = await AlertMetrics.LoadAsync(connection, _settings, now, alerts, ct);
        var states = new StateWriter(connection, now);
        var notifications = new List<long>();
        var read = Stopwatch.GetElapsedTime(started);
        TimeSpan waited;
        // Its turn with ingest and every other writer of this process (DatabaseWriteGate): on its own
        // connection it would otherwise meet sustained ingest on SQLite's busy lock, and one of them time out.
        using (await _gate.EnterAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            waited = Stopwatch.GetElapsedTime(started) - read;
            states.Begin(tx);
            // An alert archived since it was read notifies nothing.
            var active = await states.ActiveAlertIdsAsync(ct);
            var evaluated = alerts.Where(a => active.Contains(a.Id)).ToList();
            await states.LoadAsync(evaluated, ct);
            foreach (var alert in evaluated)
            {
                var periodStart = AlertCatalog.Of(alert.Type).PeriodBased ? metrics.Period.StartUtc : (DateTime?)null;
                foreach (var clientId in alert.ClientId is int only ? clients.Where(c => c == only) : clients)
                {
                    var reading = metrics.Read(alert, clientId);
                    if (await states.ApplyAsync(alert, clientId, reading, periodStart, ct) is long notification) notifications.Add(notification);
                }
                await states.EvaluatedAsync(alert, ct);
            }
            await tx.CommitAsync(ct);
        }
        var written = Stopwatch.GetElapsedTime(started) - read - waited;
        foreach (var id in notifications) _dispatcher.Dispatch(id);
        return new EvaluationOutcome(alerts.Count, states.Count, notifications, states.Cleared) { Reading = read, Waiting = waited, Writing = written };
    }

    /// <summary>The prepared statements that move states, inside the evaluation's transaction.</summary>
    private sealed class StateWriter
    {
        private readonly DbConnection _connection;
        private readonly DateTime _now;
        private DbTransaction? _tx;

        public int Count { get; private set; }
        public int Cleared { get; private set; }

        public StateWriter(DbConnection connection, DateTime now)
        {
            _connection = connection;
            _now = SqlValues.Instant(now);
        }

        public void Begin(DbTransaction tx) => _tx = tx;

        public async Task<HashSet<int>> ActiveAlertIdsAsync(CancellationToken ct)
        {
            await using var cmd = Command("SELECT id FROM alerts WHERE archived_at IS NULL");
            var ids = new HashSet<int>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) ids.Add(reader.GetInt32(0));
            return ids;
        }

        /// <summary>What each (alert, client) state is now, read in the write transaction, so that only what changes is written.</summary>
        private readonly Dictionary<(int Alert, int Client), (bool InAlarm, long? Value, DateTime? Period)> _current = new();

        public async Task LoadAsync(IReadOnlyList<Alert> alerts, CancellationToken ct)
        {
            if (alerts.Count == 0) return;
            // Only the alerts evaluated now: archived alerts' states stay behind and only grow.
            await using var cmd = Command("SELECT alert_id, client_id, status, current_value, period_start FROM alert_client_states WHERE alert_id IN ("
                + string.Join(",", alerts.Select(a => a.Id)) + ")");
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                _current[(reader.GetInt32(0), reader.GetInt32(1))] = (reader.GetString(2) == nameof(AlertStatus.InAlarm),
                    reader.IsDBNull(3) ? null : reader.GetInt64(3), reader.IsDBNull(4) ? null : SqlValues.ReadInstant(reader, 4));
        }

        /// <summary>
        /// Moves one state. A state whose status, period and value all stay is not written at all: under
        /// sustained ingest an evaluation runs every few seconds, and rewriting every state each time held
        /// the write gate (and on SQLite the write lock) long enough to cost ingest throughput. The guarded
        /// updates stay guarded, so a transition is still made once however many evaluators race.
        /// </summary>
        /// <returns>The id of the notification recorded when this call moved the state ok → in_alarm.</returns>
        public async Task<long?> ApplyAsync(Alert alert, int clientId, AlertReading reading, DateTime? periodStart, CancellationToken ct)
        {
            Count++;
            DateTime? period = periodStart is DateTime p ? SqlValues.Instant(p) : null;
            long? micros = reading.Value is decimal v ? SqlValues.Micros(v) : null;
            object value = micros is long m ? m : DBNull.Value;
            const string Key = " WHERE alert_id = @alert AND client_id = @client";
            if (!_current.TryGetValue((alert.Id, clientId), out var state))
            {
                await ExecuteAsync("""
                    INSERT INTO alert_client_states (alert_id, client_id, status, value, current_value, triggered_at, period_start, changed_at, evaluated_at)
                    VALUES (@alert, @client, 'Ok', @value, @value, NULL, @period, @now, @now)
                    ON CONFLICT (alert_id, client_id) DO NOTHING
                    """, alert.Id, clientId, value, period, ct);
                state = (false, micros, period);
            }
            if (period is not null && state.Period != period)
            {
                // A new period starts every period-based state afresh: back to ok, silently, recorded.
                Cleared += await ExecuteAsync("UPDATE alert_client_states SET status = 'Ok', changed_at = @now, period_start = @period"
                    + Key + " AND status = 'InAlarm' AND period_start IS DISTINCT FROM @period", alert.Id, clientId, value, period, ct);
                await ExecuteAsync("UPDATE alert_client_states SET period_start = @period" + Key + " AND period_start IS DISTINCT FROM @period",
                    alert.Id, clientId, value, period, ct);
                state = (false, state.Value, period);
            }
            if (reading.InAlarm && !state.InAlarm)
            {
                var moved = await ExecuteAsync("""
                    UPDATE alert_client_states SET status = 'InAlarm', value = @value, current_value = @value, triggered_at = @now,
                        changed_at = @now, evaluated_at = @now
                    """ + Key + " AND status = 'Ok'", alert.Id, clientId, value, period, ct);
                if (moved == 1) return await NotifyAsync(alert, clientId, reading.Value ?? 0, period, ct);
            }
            else if (!reading.InAlarm && state.InAlarm)
            {
                Cleared += await ExecuteAsync("UPDATE alert_client_states SET status = 'Ok', value = @value, changed_at = @now"
                    + Key + " AND status = 'InAlarm'", alert.Id, clientId, value, period, ct);
            }
            if (state.Value != micros)
                await ExecuteAsync("UPDATE alert_client_states SET current_value = @value" + Key, alert.Id, clientId, value, period, ct);
            return null;
        }

        /// <summary>Every state of the alert was just evaluated: one statement, whatever changed.</summary>
        public async Task EvaluatedAsync(Alert alert, CancellationToken ct)
        {
            // The clients evaluated: the one named, or every enabled one.
            await using var cmd = Command("UPDATE alert_client_states SET evaluated_at = @now WHERE alert_id = @alert" + (alert.ClientId is null
                ? $" AND client_id IN (SELECT id FROM clients WHERE enabled = {SqlValues.Bool(_connection, true)})"
                : " AND client_id = @client"));
            cmd.Bind("@alert", alert.Id);
            if (alert.ClientId is int client) cmd.Bind("@client", client);
            cmd.Bind("@now", _now);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        private async Task<long> NotifyAsync(Alert alert, int clientId, decimal value, DateTime? period, CancellationToken ct)
        {
            await using var cmd = Command("""
                INSERT INTO alert_notifications (alert_id, client_id, message_id, value, threshold, period_start, triggered_at)
                VALUES (@alert, @client, @message, @value, @threshold, @period, @now) RETURNING id
                """);
            cmd.Bind("@alert", alert.Id);
            cmd.Bind("@client", clientId);
            cmd.Bind("@message", "msg_" + Guid.NewGuid().ToString("N"));
            cmd.Bind("@value", SqlValues.Micros(value));
            cmd.Bind("@threshold", SqlValues.Micros(alert.Threshold));
            cmd.Bind("@period", (object?)period ?? DBNull.Value);
            cmd.Bind("@now", _now);
            return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct));
        }

        private async Task<int> ExecuteAsync(string sql, int alertId, int clientId, object value, DateTime? period, CancellationToken ct)
        {
            await using var cmd = Command(sql);
            cmd.Bind("@alert", alertId);
            cmd.Bind("@client", clientId);
            if (sql.Contains("@value")) cmd.Bind("@value", value);
            if (sql.Contains("@period")) cmd.Bind("@period", (object?)period ?? DBNull.Value);
            if (sql.Contains("@now")) cmd.Bind("@now", _now);
            return await cmd.ExecuteNonQueryAsync(ct);
        }

        private DbCommand Command(string sql)
        {
            return _connection.Command(sql, _tx);
        }
    }
}
