using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

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
            await using var connection = await SqliteSetup.OpenAsync(_database.ConnectionString, ct);
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
    /// Moves the run from queued to running, but only while no other run is running: the database
    /// guard against a second process billing at the same time. Waits its turn otherwise.
    /// </summary>
    private async Task<DateTime> ClaimAsync(SqliteConnection connection, int runId, CancellationToken ct)
    {
        while (true)
        {
            await using (var claim = connection.CreateCommand())
            {
                claim.CommandText = """
                    UPDATE billing_runs SET status = 'Running', started_at = $now
                    WHERE id = $id AND status = 'Queued' AND NOT EXISTS (SELECT 1 FROM billing_runs WHERE status = 'Running')
                    """;
                claim.Parameters.AddWithValue("$id", runId);
                claim.Parameters.AddWithValue("$now", SqlValues.Instant(_clock.GetUtcNow().UtcDateTime));
                // Every write of a run takes its turn with ingest (DatabaseWriteGate), or sustained ingest starves it.
                using (await _gate.EnterAsync(ct))
                    if (await claim.ExecuteNonQueryAsync(ct) == 1) break;
            }
            await using var state = connection.CreateCommand();
            state.CommandText = "SELECT status FROM billing_runs WHERE id = $id";
            state.Parameters.AddWithValue("$id", runId);
            var status = await state.ExecuteScalarAsync(ct) as string ?? throw new NotFoundException("Billing run", runId);
            if (status != "Queued") throw new InvalidOperationException($"Billing run {runId} is {status.ToLowerInvariant()}, not queued.");
            await Task.Delay(GuardPoll, ct);
        }
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT period_start FROM billing_runs WHERE id = $id";
        read.Parameters.AddWithValue("$id", runId);
        return ParseInstant((string)(await read.ExecuteScalarAsync(ct))!);
    }

    private async Task<BillingRunOutcome> BillAsync(SqliteConnection connection, int runId, DateTime periodStartUtc, CancellationToken ct)
    {
        var period = _settings.PeriodStartingAtUtc(periodStartUtc)
            ?? throw new InvalidOperationException($"{periodStartUtc:u} is no longer the start of a billing period: the billing cycle configuration changed.");
        // Aggregated on a read snapshot before the write lock is taken, so ingest is held up only
        // for the short replace below. Readings arriving meanwhile are billed by the next run.
        var usage = await UsageAggregator.AggregateAsync(connection, null, period.FirstDay, period.EndDay, enabledOnly: true, ct: ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        var start = SqlValues.Instant(period.StartUtc);
        decimal total = 0;

        using var turn = await _gate.EnterAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using (var finalized = connection.CreateCommand())
        {
            finalized.Transaction = transaction;
            finalized.CommandText = "SELECT COUNT(*) FROM billing_periods WHERE period_start = $start AND finalized_at IS NOT NULL";
            finalized.Parameters.AddWithValue("$start", start);
            if ((long)(await finalized.ExecuteScalarAsync(ct))! > 0)
                throw new ConflictException($"Period {period.Name} is finalized: its billing readings can no longer change.");
        }
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM billing_readings WHERE period_start = $start";
            delete.Parameters.AddWithValue("$start", start);
            await delete.ExecuteNonQueryAsync(ct);
        }
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO billing_readings (billing_run_id, bucket_id, client_id, period_start, period_end, bucket_name, source_type, unit_type,
                    aggregation, starts_on, ends_on, total_usage, "commit", base_rate, overage_rate, committed_cost, overage_units, overage_cost, buffer_units,
                    buffer_cost, final_cost, finalized, created_at)
                VALUES ($run, $bucket, $client, $start, $end, $name, $source, $unit, $aggregation, $startsOn, $endsOn, $usage, $commit, $base, $overage, $committed,
                    $overageUnits, $overageCost, $bufferUnits, $bufferCost, $final, 0, $now)
                """;
            insert.Parameters.AddWithValue("$run", runId);
            insert.Parameters.AddWithValue("$start", start);
            insert.Parameters.AddWithValue("$end", SqlValues.Instant(period.EndUtc));
            insert.Parameters.AddWithValue("$now", SqlValues.Instant(now));
            var names = new[] { "$bucket", "$client", "$usage", "$commit", "$base", "$overage", "$committed", "$overageUnits", "$overageCost", "$bufferUnits", "$bufferCost", "$final" };
            var p = names.Select(n => insert.Parameters.Add(n, SqliteType.Integer)).ToArray();
            // What the bucket is billed as, kept on the line: a later rename or change of the bucket leaves it alone.
            var billedAs = new[] { "$name", "$source", "$unit", "$aggregation", "$startsOn", "$endsOn" }.Select(n => insert.Parameters.Add(n, SqliteType.Text)).ToArray();
            insert.Prepare();
            foreach (var bucket in usage)
            {
                var line = BillingMath.Line(bucket.Usage, bucket.Commit, bucket.BaseRate, bucket.OverageRate);
                total += line.FinalCost;
                p[0].Value = bucket.BucketId;
                p[1].Value = bucket.ClientId;
                p[2].Value = SqlValues.Micros(line.TotalUsage);
                p[3].Value = SqlValues.Micros(line.Commit);
                p[4].Value = SqlValues.Micros(line.BaseRate);
                p[5].Value = SqlValues.Micros(line.OverageRate);
                p[6].Value = SqlValues.Micros(line.CommittedCost);
                p[7].Value = SqlValues.Micros(line.OverageUnits);
                p[8].Value = SqlValues.Micros(line.OverageCost);
                p[9].Value = SqlValues.Micros(line.BufferUnits);
                p[10].Value = SqlValues.Micros(line.BufferCost);
                p[11].Value = SqlValues.Micros(line.FinalCost);
                billedAs[0].Value = bucket.Name;
                billedAs[1].Value = bucket.SourceType;
                billedAs[2].Value = bucket.UnitType;
                billedAs[3].Value = bucket.Aggregation.ToString();
                billedAs[4].Value = bucket.StartsOn;
                billedAs[5].Value = (object?)bucket.EndsOn ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }
        await using (var done = connection.CreateCommand())
        {
            done.Transaction = transaction;
            done.CommandText = "UPDATE billing_runs SET status = 'Succeeded', finished_at = $now, bucket_count = $count, error = NULL WHERE id = $id";
            done.Parameters.AddWithValue("$now", SqlValues.Instant(_clock.GetUtcNow().UtcDateTime));
            done.Parameters.AddWithValue("$count", usage.Count);
            done.Parameters.AddWithValue("$id", runId);
            await done.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return new BillingRunOutcome(runId, period, usage.Count, total);
    }

    private async Task FailAsync(SqliteConnection connection, int runId, string error)
    {
        try
        {
            await using var fail = connection.CreateCommand();
            fail.CommandText = "UPDATE billing_runs SET status = 'Failed', finished_at = $now, error = $error WHERE id = $id";
            fail.Parameters.AddWithValue("$now", SqlValues.Instant(_clock.GetUtcNow().UtcDateTime));
            fail.Parameters.AddWithValue("$error", Jobs.JobHistory.Truncate(error));
            fail.Parameters.AddWithValue("$id", runId);
            using (await _gate.EnterAsync())
                await fail.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (DbErrors.IsDatabaseError(e))
        {
            _log.LogError(e, "Could not record the failure of billing run {Run}", runId);
        }
    }

    private static DateTime ParseInstant(string text)
        => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
