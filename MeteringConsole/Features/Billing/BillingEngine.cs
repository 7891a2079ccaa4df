using System.Data;
using System.Data.Common;
using MeteringConsole.Common;
using MeteringConsole.Data;

namespace MeteringConsole.Features.Billing;

/// <summary>What a finished run did.</summary>
public sealed record BillingRunOutcome(int RunId, Period Period, int Buckets, decimal TotalCost);

/// <summary>
/// Executes one queued billing run: aggregates the period's usage from the daily rollups, prices
/// every enabled bucket, and replaces the period's billing readings in one transaction. Runs never
/// overlap: one at a time in this process (a semaphore, shared by Hangfire workers and inline callers) and
/// across processes (a run starts only while no other run in the database is running).
/// </summary>
public sealed class BillingEngine
{
    private static readonly TimeSpan GuardPoll = TimeSpan.FromMilliseconds(250);

    private readonly DatabaseOptions _database;

    private readonly TimeProvider _clock;
    private readonly BillingSettings _settings;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly ILogger<BillingEngine> _log;
    private readonly DatabaseWriteGate _gate;

    public BillingEngine(DatabaseOptions database, BillingSettings settings, ILogger<BillingEngine> log, TimeProvider clock, DatabaseWriteGate gate)
    {
        _gate = gate;

        _clock = clock;
        _database = database;
        _settings = settings;
        _log = log;
    }

    public async Task<BillingRunOutcome> ExecuteAsync(int runId, CancellationToken ct = default)
    {
        await _oneAtATime.WaitAsync(ct);
        try
        {
            await using var connection = await _database.OpenAsync(ct);
            var periodStartUtc = await ClaimAsync(connection, runId, ct);
            try
            {
                var outcome = await BillAsync(connection, runId, periodStartUtc, ct);
                _log.LogInformation("Billing run {Run} billed {Period}: {Buckets} buckets, {Total} {Currency}",
                    runId, outcome.Period.Name, outcome.Buckets, outcome.TotalCost, _settings.Currency);
                return outcome;
            }
            catch (Exception e)
            {
                await FailAsync(connection, runId, e is ConflictException or InvalidOperationException ? e.Message : $"{e.GetType().Name}: {e.Message}");
                throw;
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    /// <summary>
    /// The advisory lock (PostgreSQL) that makes a run's claim atomic across processes: under READ
    /// COMMITTED two claims of different runs would each miss the other's uncommitted 'Running'.
    /// SQLite needs none: its one writer runs the guarded UPDATE alone.
    /// </summary>
    public const long ClaimLockKey = 0x4D43_0000_0001; // "MC" + 1

    /// <summary>
    /// The advisory lock (PostgreSQL) of one period's billing readings: held by the transaction that
    /// replaces them, so a concurrent writer of the same period (another run, a finalize) waits for it.
    /// </summary>
    public static long PeriodLockKey(DateTime periodStartUtc) => 0x4D43_0000_0000 ^ (periodStartUtc.Ticks / TimeSpan.TicksPerMinute) << 16;

    /// <summary>On PostgreSQL, takes a transaction-scoped advisory lock (released at commit or rollback); nothing on SQLite.</summary>
    public static async Task LockAsync(DatabaseOptions database, DbConnection connection, DbTransaction transaction, long key, CancellationToken ct)
    {
        if (!database.IsPostgreSql) return;
        await using var cmd = connection.Command("SELECT pg_advisory_xact_lock(@key)", transaction).Bind("@key", key);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Moves the run from queued to running, but only while no other run is running: the database
    /// guard against a second process billing at the same time. Waits its turn otherwise. A run
    /// another caller (or process) has already taken is <see cref="BillingRunTakenException"/>.
    /// </summary>
    private async Task<DateTime> ClaimAsync(DbConnection connection, int runId, CancellationToken ct)
    {
        while (true)
        {
            // Every write of a run takes its turn with ingest (DatabaseWriteGate), or sustained ingest starves it.
            using (await _gate.EnterAsync(ct))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await LockAsync(_database, connection, transaction, ClaimLockKey, ct);
                await using var claim = connection.Command("""
                    UPDATE billing_runs SET status = 'Running', started_at = @now
                    WHERE id = @id AND status = 'Queued' AND NOT EXISTS (SELECT 1 FROM billing_runs WHERE status = 'Running')
                    """, transaction).Bind("@id", runId).Bind("@now", SqlValues.Instant(_clock.GetUtcNow().UtcDateTime));
                var claimed = await claim.ExecuteNonQueryAsync(ct) == 1;
                await transaction.CommitAsync(ct);
                if (claimed) break;
            }
            await using var state = connection.Command("SELECT status FROM billing_runs WHERE id = @id").Bind("@id", runId);
            var status = await state.ExecuteScalarAsync(ct) as string ?? throw new NotFoundException("Billing run", runId);
            if (status != "Queued") throw new BillingRunTakenException(runId, status);
            await Task.Delay(GuardPoll, ct);
        }
        await using var read = connection.Command("SELECT period_start FROM billing_runs WHERE id = @id").Bind("@id", runId);
        await using var reader = await read.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return SqlValues.ReadInstant(reader, 0);
    }

    private static readonly string[] ReadingColumns =
    [
        "billing_run_id", "bucket_id", "client_id", "period_start", "period_end", "bucket_name", "source_type", "unit_type", "aggregation",
        "starts_on", "ends_on", "total_usage", "\"commit\"", "base_rate", "overage_rate", "committed_cost", "overage_units", "overage_cost",
        "buffer_units", "buffer_cost", "final_cost", "finalized", "created_at",
    ];

    private async Task<BillingRunOutcome> BillAsync(DbConnection connection, int runId, DateTime periodStartUtc, CancellationToken ct)
    {
        var period = _settings.PeriodStartingAtUtc(periodStartUtc)
            ?? throw new InvalidOperationException($"{periodStartUtc:u} is no longer the start of a billing period: the billing cycle configuration changed.");
        // Aggregated on a read snapshot before the write lock is taken, so ingest is held up only
        // for the short replace below. Readings arriving meanwhile are billed by the next run.
        var usage = await UsageAggregator.AggregateAsync(connection, null, period.FirstDay, period.EndDay, enabledOnly: true, ct: ct);
        var now = SqlValues.Instant(_clock.GetUtcNow().UtcDateTime);
        var start = SqlValues.Instant(period.StartUtc);
        var end = SqlValues.Instant(period.EndUtc);

        using var turn = await _gate.EnterAsync(ct);
        // SQLite: BEGIN IMMEDIATE (the write lock now). PostgreSQL: the period's lock, so a concurrent
        // replace of the same period waits and then sees this one's rows to delete.
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockAsync(_database, connection, transaction, PeriodLockKey(period.StartUtc), ct);
        await using (var finalized = connection.Command(
            "SELECT COUNT(*) FROM billing_periods WHERE period_start = @start AND finalized_at IS NOT NULL", transaction).Bind("@start", start))
        {
            if (Convert.ToInt64(await finalized.ExecuteScalarAsync(ct)) > 0)
                throw new ConflictException($"Period {period.Name} is finalized: its billing readings can no longer change.");
        }
        await using (var delete = connection.Command("DELETE FROM billing_readings WHERE period_start = @start", transaction).Bind("@start", start))
            await delete.ExecuteNonQueryAsync(ct);
        decimal total = 0;
        var rows = usage.Select(bucket =>
        {
            var line = BillingMath.Line(bucket.Usage, bucket.Commit, bucket.BaseRate, bucket.OverageRate);
            total += line.FinalCost;
            // What the bucket is billed as, kept on the line: a later rename or change of the bucket leaves it alone.
            return new object?[]
            {
                runId, bucket.BucketId, bucket.ClientId, start, end, bucket.Name, bucket.SourceType, bucket.UnitType, bucket.Aggregation.ToString(),
                bucket.StartsOn, bucket.EndsOn is DateOnly endsOn ? endsOn : (object)new SqlRows.TypedNull(DbType.Date),
                SqlValues.Micros(line.TotalUsage), SqlValues.Micros(line.Commit), SqlValues.Micros(line.BaseRate), SqlValues.Micros(line.OverageRate),
                SqlValues.Micros(line.CommittedCost), SqlValues.Micros(line.OverageUnits), SqlValues.Micros(line.OverageCost),
                SqlValues.Micros(line.BufferUnits), SqlValues.Micros(line.BufferCost), SqlValues.Micros(line.FinalCost), false, now,
            };
        });
        await SqlRows.InsertAsync(connection, transaction, "billing_readings", ReadingColumns, rows, ct);
        await using (var done = connection.Command(
            "UPDATE billing_runs SET status = 'Succeeded', finished_at = @now, bucket_count = @count, error = NULL WHERE id = @id", transaction))
        {
            done.Bind("@now", SqlValues.Instant(_clock.GetUtcNow().UtcDateTime)).Bind("@count", usage.Count).Bind("@id", runId);
            await done.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new BillingRunOutcome(runId, period, usage.Count, total);
    }

    private async Task FailAsync(DbConnection connection, int runId, string error)
    {
        try
        {
            await using var fail = connection.Command("UPDATE billing_runs SET status = 'Failed', finished_at = @now, error = @error WHERE id = @id")
                .Bind("@now", SqlValues.Instant(_clock.GetUtcNow().UtcDateTime)).Bind("@error", Jobs.JobHistory.Truncate(error)).Bind("@id", runId);
            using (await _gate.EnterAsync())
                await fail.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (DbErrors.IsDatabaseError(e))
        {
            _log.LogError(e, "Could not record the failure of billing run {Run}", runId);
        }
    }
}

/// <summary>The run was no longer queued when this caller tried to execute it: another caller or process took it (or it finished).</summary>
public sealed class BillingRunTakenException(int runId, string status)
    : InvalidOperationException($"Billing run {runId} is {status.ToLowerInvariant()}, not queued.")
{
    public int RunId { get; } = runId;
}
