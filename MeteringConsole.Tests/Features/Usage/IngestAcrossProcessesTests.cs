using System.Data.Common;
using System.Diagnostics;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Usage;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Usage.IngestTestData;

namespace MeteringConsole.Tests.Features.Usage;

/// <summary>
/// PostgreSQL, several console processes on one database: ingest and finalize exclude each other
/// through the finalize lock (an advisory lock: batches shared, finalize exclusive), and batches
/// meeting on the same new rows wait for each other instead of failing. "Another process" is a
/// connection of the test's own, which queues in no gate of this one.
/// </summary>
public sealed class IngestAcrossProcessesTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private int _acme;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        (_acme, _) = await SeedAsync(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>Another process's transaction, holding the finalize lock as <paramref name="lockFunction"/> takes it.</summary>
    private async Task<(DbConnection Connection, DbTransaction Transaction)> OtherProcessHoldsTheLockAsync(string lockFunction)
    {
        var other = await OpenAsync();
        var tx = await other.BeginTransactionAsync();
        await using var take = other.Command($"SELECT {lockFunction}(@key)", tx).Bind("@key", FinalizeLock.Key);
        await take.ExecuteNonQueryAsync();
        return (other, tx);
    }

    private Task<DbConnection> OpenAsync() => _app.Services.GetRequiredService<DatabaseOptions>().OpenAsync();

    /// <summary>Waits until some session of this database waits for the finalize lock.</summary>
    private Task WaitUntilSomeoneWaitsForTheLockAsync(Task waiter) => WaitUntilWaitingAsync(waiter, """
        SELECT COUNT(*) FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((classid::bigint << 32) | objid::bigint) = @key
        """);

    /// <summary>Waits until some session waits for another transaction to end (a row or index entry it holds).</summary>
    private Task WaitUntilSomeoneWaitsForATransactionAsync(Task waiter)
        => WaitUntilWaitingAsync(waiter, "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'transactionid' AND NOT granted AND @key = @key");

    private async Task WaitUntilWaitingAsync(Task waiter, string sql)
    {
        await using var connection = await OpenAsync();
        await using var cmd = connection.Command(sql).Bind("@key", FinalizeLock.Key);
        var watch = Stopwatch.StartNew();
        while (Convert.ToInt64(await cmd.ExecuteScalarAsync()) == 0)
        {
            Assert.False(waiter.IsCompleted, "finished without waiting for the lock");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "nobody waits");
            await Task.Delay(10);
        }
    }

    [PostgreSqlFact]
    public async Task ABatchRacingAFinalizeInAnotherProcessWaitsForItThenIsRefusedAndStoresNothing()
    {
        // The other process is finalizing October: it holds the lock and has written the period, not yet committed.
        var (other, finalize) = await OtherProcessHoldsTheLockAsync("pg_advisory_xact_lock");
        await using var connection = other;
        await using var transaction = finalize;
        await IngestWritePathTests.FinalizeOctoberAsync(other, finalize);

        // The batch passes its first check (October is not finalized as far as anyone can see yet) and waits.
        var ingest = _app.Service<IngestService>(IngestKey).IngestAsync(new[] { Event("late-1", "vm-late", at: InOctober), Event("late-2", "vm-late", at: InOctober) });
        await WaitUntilSomeoneWaitsForTheLockAsync(ingest);
        await finalize.CommitAsync();

        var refused = await Assert.ThrowsAsync<UsageBatchRejectedException>(() => ingest);
        Assert.All(refused.Errors, e => Assert.Equal("timestamp", e.Field));
        Assert.Contains("2026-10-01 is finalized", refused.Errors[0].Message);
        await using var db = _app.Db();
        Assert.Empty(db.UsageReadings);
        Assert.Empty(db.Assets);
        Assert.Empty(db.UsageDailyRollups);
    }

    [PostgreSqlFact]
    public async Task AFinalizeWaitsForABatchInFlightInAnotherProcess()
    {
        // A contracted bucket makes October a period finalize may try (it then refuses it: not billed yet).
        var data = Billing.BillingFixture.For(_app);
        int unit;
        await using (var db = _app.Db()) unit = db.UnitTypes.Single(u => u.Name == "vcpu-hours").Id;
        await data.BucketAsync(_acme, await data.SourceAsync("vmware"), unit, Domain.Aggregation.Sum, 1, 1, 1, Array.Empty<int>());

        // A batch of the other process is being stored: it holds the lock shared until its commit.
        var (other, batch) = await OtherProcessHoldsTheLockAsync("pg_advisory_xact_lock_shared");
        await using var connection = other;
        await using var transaction = batch;

        var finalize = _app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync("2026-10-01");
        await WaitUntilSomeoneWaitsForTheLockAsync(finalize);
        await batch.CommitAsync();

        // October was never billed, so once in, finalize refuses it: what matters is that it got in only now.
        var refused = await Assert.ThrowsAsync<ConflictException>(() => finalize);
        Assert.Contains("has not been billed yet", refused.Message);
    }

    [PostgreSqlFact]
    public async Task BatchesOfSeveralProcessesDoNotExcludeEachOther()
    {
        // Another process's batch in flight holds the lock shared; this one's batch goes ahead meanwhile.
        var (other, batch) = await OtherProcessHoldsTheLockAsync("pg_advisory_xact_lock_shared");
        await using var connection = other;
        await using var transaction = batch;

        var stored = await _app.Service<IngestService>(IngestKey).IngestAsync(new[] { Event("e1"), Event("e2") })
            .WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(new IngestResult(2, 0, 0), stored);
        await batch.RollbackAsync();
    }

    [PostgreSqlFact]
    public async Task AnAssetAnotherProcessIsCreatingMeanwhileIsTakenAsExistingNotCreatedTwice()
    {
        var ingest = _app.Service<IngestService>(IngestKey);
        await ingest.IngestAsync(new[] { Event("first", "vm-other") });
        int sourceId;
        await using (var db = _app.Db()) sourceId = db.SourceTypes.Single().Id;

        // The other process's batch has created vm-race (named there "theirs"), not yet committed.
        await using var other = await OpenAsync();
        await using var batch = await other.BeginTransactionAsync();
        await using (var insert = other.Command("""
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at, last_seen_at)
            VALUES (@s, 'vm-race', NULL, 'theirs', '', FALSE, TRUE, FALSE, @now, @now)
            """, batch).Bind("@s", sourceId).Bind("@now", SqlValues.Instant(TestClock.Now.UtcDateTime)))
            await insert.ExecuteNonQueryAsync();

        // This batch does not see it yet, so it creates vm-race too: and waits on the unique index for the other's outcome.
        var stored = ingest.IngestAsync(new[] { Event("mine", "vm-race", client: _acme) });
        await WaitUntilSomeoneWaitsForATransactionAsync(stored);
        await batch.CommitAsync();

        Assert.Equal(new IngestResult(1, 0, 0), await stored);
        await using var check = _app.Db();
        var asset = check.Assets.Single(a => a.ExternalId == "vm-race");
        // The existing asset, unassigned until now, is claimed by the client the event names, as any existing one would be.
        Assert.Equal(("theirs", (int?)_acme), (asset.Name, asset.ClientId));
        Assert.Equal(asset.Id, check.UsageReadings.Single(r => r.EventId == "mine").AssetId);
    }
}
