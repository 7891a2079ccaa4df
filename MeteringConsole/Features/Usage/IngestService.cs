using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Alerts;
using MeteringConsole.Features.Suppressions;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// Stores usage events: the API and the Record Usage form both come here. A batch is checked
/// whole before anything is written, then stored in one transaction: assets created or touched,
/// readings inserted once per event id (repeats are duplicates, for ever), the daily rollups
/// that charts and billing read, suppression hits, and audit entries for assets ingest creates.
/// Hand-written SQL: this is the hot path.
/// </summary>
public sealed class IngestService
{
    private readonly CurrentActor _actor;
    private readonly DatabaseOptions _database;
    private readonly BillingSettings _billing;
    private readonly TimeProvider _clock;
    private readonly DatabaseWriteGate _gate;
    private readonly IAlertTrigger _alerts;

    public IngestService(CurrentActor actor, DatabaseOptions database, BillingSettings billing, TimeProvider clock, DatabaseWriteGate gate,
        IAlertTrigger alerts)
    {
        _alerts = alerts;
        _actor = actor;
        _database = database;
        _billing = billing;
        _clock = clock;
        _gate = gate;
    }

    /// <summary>Parses and stores a POST /usage body.</summary>
    public async Task<IngestResult> IngestJsonAsync(JsonElement body, CancellationToken ct = default)
    {
        await _actor.RequireAsync(Permission.Ingest);
        var (events, errors) = UsageBatchParser.Parse(body, _clock.GetUtcNow());
        return await StoreAsync(events, errors, ct);
    }

    /// <summary>Stores events built in code (the Record Usage form), under the same rules as the API.</summary>
    public Task<IngestResult> IngestAsync(IReadOnlyList<UsageEvent> events, CancellationToken ct = default)
    {
        var errors = new List<UsageEventError>();
        var now = _clock.GetUtcNow();
        var checkedEvents = events.Select((e, i) =>
        {
            var before = errors.Count;
            UsageEventRules.Check(e, i, now, errors);
            return errors.Count == before ? e : null;
        }).ToList();
        return StoreAsync(checkedEvents, errors, ct);
    }

    private async Task<IngestResult> StoreAsync(IReadOnlyList<UsageEvent?> events, List<UsageEventError> errors, CancellationToken ct)
    {
        var actor = await _actor.RequireAsync(Permission.Ingest);
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var connection = await _database.OpenAsync(ct);
        // Checked before queueing, so a bad batch is answered without waiting for the writers ahead;
        // database rules are checked even when some events are malformed, so one answer lists every problem.
        var reference = await ReferenceData.LoadAsync(connection, null, events, _billing, false, ct);
        Validate(events, reference, actor, errors);

        // Writers of this process queue here, in order and without blocking threads. SQLite has one
        // writer at a time: BEGIN IMMEDIATE then takes the database's write lock up front, so a writer
        // in another process (the command line) makes it wait on the busy timeout rather than fail
        // halfway. PostgreSQL has no single writer, but the queue still keeps this process's batches
        // in arrival order and off each other's rows (assets, rollups); other processes' batches meet
        // this one in PostgreSQL's row locks, and finalize in the advisory lock (Data/FinalizeLock.cs).
        IngestResult result;
        using (await _gate.EnterAsync(ct))
            result = _database.IsPostgreSql
                ? await StorePostgreSqlAsync((Npgsql.NpgsqlConnection)connection, events, actor, now, ct)
                : await StoreSqliteAsync((SqliteConnection)connection, events, actor, now, ct);
        // After the commit and out of the queue (the next batch need not wait for it): alerts are
        // evaluated on a coalesced job.
        _alerts.Request("an ingest batch");
        return result;
    }

    private async Task<IngestResult> StoreSqliteAsync(SqliteConnection connection, IReadOnlyList<UsageEvent?> events, Actor actor, DateTime now,
        CancellationToken ct)
    {
        await using var tx = connection.BeginTransaction(deferred: false);
        // Checked again under the write lock: a period finalized (or a client disabled) while this
        // batch waited must refuse it, or late readings would land in a finalized period.
        var reference = await ReferenceData.LoadAsync(connection, tx, events, _billing, false, ct);
        var resolved = Validate(events, reference, actor, new List<UsageEventError>());
        var result = await new SqliteIngestWriter(connection, tx, _billing, actor, now).WriteAsync(resolved, reference, ct);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// PostgreSQL: the batch holds the finalize lock shared, then re-checks, so a finalize in any
    /// process either commits before the re-check (the batch is refused) or waits for this commit.
    /// The clients a batch names are read FOR SHARE, so a client disabled meanwhile elsewhere is seen
    /// the same way. Two processes' batches can still meet in row locks taken in different orders;
    /// PostgreSQL then aborts one (deadlock) and the whole batch is simply run again: nothing of
    /// the aborted attempt was stored.
    /// </summary>
    private async Task<IngestResult> StorePostgreSqlAsync(Npgsql.NpgsqlConnection connection, IReadOnlyList<UsageEvent?> events, Actor actor,
        DateTime now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            try
            {
                await FinalizeLock.TakeSharedAsync(connection, tx, _database, ct);
                var reference = await ReferenceData.LoadAsync(connection, tx, events, _billing, true, ct);
                var resolved = Validate(events, reference, actor, new List<UsageEventError>());
                var result = await new PostgreSqlIngestWriter(connection, tx, _billing, actor, now).WriteAsync(resolved, reference, ct);
                await tx.CommitAsync(ct);
                return result;
            }
            catch (Npgsql.PostgresException e) when (attempt < 3 && e.SqlState is Npgsql.PostgresErrorCodes.DeadlockDetected
                                                         or Npgsql.PostgresErrorCodes.SerializationFailure)
            {
                await tx.RollbackAsync(ct);
            }
        }
    }

    /// <summary>Rules that need the database. Any failure refuses the whole batch.</summary>
    private static List<(UsageEvent Event, int UnitTypeId)> Validate(IReadOnlyList<UsageEvent?> events, ReferenceData reference, Actor actor,
        List<UsageEventError> errors)
    {
        var resolved = new List<(UsageEvent, int)>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not { } e) continue;
            var before = errors.Count;
            if (!reference.UnitTypes.TryGetValue(e.UnitType, out var unitTypeId))
                errors.Add(new UsageEventError(i, e.EventId, "unit_type", $"Unknown unit type '{e.UnitType}'."));
            if (e.ClientId is int clientId)
            {
                if (!reference.Clients.TryGetValue(clientId, out var enabled))
                    errors.Add(new UsageEventError(i, e.EventId, "client_id", $"Client {clientId} does not exist."));
                else if (!enabled)
                    errors.Add(new UsageEventError(i, e.EventId, "client_id", $"Client {clientId} is disabled; usage for it is refused until it is enabled again."));
                else if (actor.ClientScope is int scope && scope != clientId)
                    throw new ForbiddenException($"Event {i} ({e.EventId}): this API key may only send usage for client {scope}.");
            }
            var ms = e.Timestamp.ToUnixTimeMilliseconds();
            if (reference.FinalizedPeriods.FirstOrDefault(p => ms >= p.StartMs && ms < p.EndMs) is { Label: not null } period)
                errors.Add(new UsageEventError(i, e.EventId, "timestamp", $"The billing period starting {period.Label} is finalized; late readings into it are refused."));
            if (errors.Count == before) resolved.Add((e, unitTypeId));
        }
        if (errors.Count > 0) throw new UsageBatchRejectedException(errors.OrderBy(e => e.Index).ToList());
        return resolved;
    }
}

/// <summary>The small tables a batch is checked against: read before it queues, and again under the write lock.</summary>
internal sealed class ReferenceData
{
    public Dictionary<string, int> UnitTypes { get; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Client id → enabled.</summary>
    public Dictionary<int, bool> Clients { get; } = new();
    public List<(long StartMs, long EndMs, string? Label)> FinalizedPeriods { get; } = new();
    public SuppressionMatcher Suppressions { get; private set; } = new(Array.Empty<SuppressionRule>());

    /// <param name="lockClients">PostgreSQL, inside the write transaction: the named clients are read FOR SHARE.</param>
    public static async Task<ReferenceData> LoadAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<UsageEvent?> events,
        BillingSettings billing, bool lockClients, CancellationToken ct)
    {
        var data = new ReferenceData();
        await using var cmd = connection.Command("SELECT id, name FROM unit_types", tx);
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) data.UnitTypes[r.GetString(1)] = r.GetInt32(0);

        var clientIds = events.Select(e => e?.ClientId).OfType<int>().Distinct().Order().ToList();
        if (clientIds.Count > 0)
        {
            // Only the clients named (ids in order, so lockers meet them in one order); unknown ids are simply not found.
            cmd.CommandText = $"SELECT id, enabled FROM clients WHERE id IN ({string.Join(",", clientIds)}) ORDER BY id{(lockClients ? " FOR SHARE" : "")}";
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) data.Clients[r.GetInt32(0)] = r.GetBoolean(1);
        }

        cmd.CommandText = "SELECT period_start, period_end FROM billing_periods WHERE finalized_at IS NOT NULL";
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var start = SqlValues.ReadInstant(r, 0);
                var end = SqlValues.ReadInstant(r, 1);
                var label = TimeZoneInfo.ConvertTimeFromUtc(start, billing.TimeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                data.FinalizedPeriods.Add((new DateTimeOffset(start).ToUnixTimeMilliseconds(), new DateTimeOffset(end).ToUnixTimeMilliseconds(), label));
            }

        var rules = new List<SuppressionRule>();
        cmd.CommandText = "SELECT id, type, pattern FROM ingest_suppressions ORDER BY id";
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                rules.Add(new SuppressionRule(r.GetInt32(0), Enum.Parse<SuppressionType>(r.GetString(1)), r.GetString(2)));
        data.Suppressions = new SuppressionMatcher(rules);
        return data;
    }
}
