using System.Diagnostics;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Suppressions;
using MeteringConsole.Features.Usage;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Usage.IngestTestData;

namespace MeteringConsole.Tests.Features.Usage;

/// <summary>
/// The write path of ingest: what is re-checked under the write lock, the one queue every writer
/// shares, who may claim which asset, and how event ids and dates are taken.
/// </summary>
public sealed class IngestWritePathTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private int _acme, _globex;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        (_acme, _globex) = await SeedAsync(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IngestService Ingest(Actor? actor = null) => _app.Service<IngestService>(actor ?? IngestKey);
    private DatabaseWriteGate Gate => _app.Services.GetRequiredService<DatabaseWriteGate>();

    private async Task WaitUntilQueuedAsync(int writers)
    {
        var watch = Stopwatch.StartNew();
        while (Gate.Waiting < writers)
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"{Gate.Waiting} writer(s) queued, expected {writers}");
            await Task.Delay(10);
        }
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await _app.Services.GetRequiredService<DatabaseOptions>().OpenAsync();
        await using var cmd = connection.Command(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task BatchCheckedBeforeAFinalizeAndWrittenAfterItIsRefusedAndStoresNothing()
    {
        // The batch passes its checks, then waits for its turn to write (the gate is held here)...
        var turn = await Gate.EnterAsync();
        var ingest = Ingest().IngestAsync(new[] { Event("late-1", "vm-late", at: InOctober), Event("late-2", "vm-late", at: InOctober) });
        await WaitUntilQueuedAsync(1);
        // ...while October is finalized: by another process, which does not queue in this one's gate.
        await using (var other = await _app.Services.GetRequiredService<DatabaseOptions>().OpenAsync())
            await FinalizeOctoberAsync(other, null);
        turn.Dispose();

        var refused = await Assert.ThrowsAsync<UsageBatchRejectedException>(() => ingest);
        Assert.All(refused.Errors, e => Assert.Equal("timestamp", e.Field));
        Assert.Contains("2026-10-01 is finalized", refused.Errors[0].Message);
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM usage_readings"));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM assets"));
    }

    /// <summary>What a finalize of October in another process writes (on PostgreSQL it also updates billing readings; none here).</summary>
    internal static async Task FinalizeOctoberAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? tx)
    {
        await using var cmd = connection.Command(
            "INSERT INTO billing_periods (period_start, period_end, finalized_at, finalized_by) VALUES (@start, @end, @at, 'other process')", tx);
        cmd.Bind("@start", SqlValues.Instant(new DateTime(2026, 10, 1))).Bind("@end", SqlValues.Instant(new DateTime(2026, 11, 1)))
            .Bind("@at", SqlValues.Instant(TestClock.Now.UtcDateTime));
        await cmd.ExecuteNonQueryAsync();
    }

    // SQLite: EF Core writes queue in the gate with ingest. PostgreSQL's EF writes do not queue (WriteGateInterceptor);
    // there finalize meets ingest in the finalize lock (IngestFinalizeLockTests).
    [Fact]
    [Trait(Store.Key, Store.SqliteOnly)]
    public async Task FinalizeQueuesBehindIngestInsteadOfRacingItAndStillSucceeds()
    {
        var data = BillingFixture.For(_app);
        var source = await data.SourceAsync("vmware");
        var unit = await data.UnitTypeAsync("gb-month");
        var asset = await data.AssetAsync(source, "vm-billed", _acme);
        await data.ReadingsAsync(asset, unit, (BillingFixture.Utc(2026, 10, 5), 10));
        await data.BucketAsync(_acme, source, unit, Aggregation.Sum, 5, 1, 2, new[] { asset });
        Assert.Equal(RunStatus.Succeeded, (await _app.Service<BillingRunService>(TestApp.Admin).RunAsync("2026-10-01")).Status);

        // An ingest batch holds the write turn: finalize (an EF Core transaction) waits for it
        // instead of polling SQLite's lock until its busy timeout.
        var turn = await Gate.EnterAsync();
        var finalize = _app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync("2026-10-01");
        await WaitUntilQueuedAsync(1);
        Assert.False(finalize.IsCompleted);
        turn.Dispose();

        Assert.True((await finalize).Finalized);
        // The gate is free again afterwards: the next writer gets in at once.
        using (await Gate.EnterAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token)) { }
    }

    [Fact]
    public async Task RefusedServiceWriteGivesItsTurnBack()
    {
        // A contracted bucket passes the period rules, so FinalizeAsync opens its transaction and throws
        // inside it (nothing billed yet): the turn must come back.
        var data = MeteringConsole.Tests.Features.Billing.BillingFixture.For(_app);
        int unit;
        await using (var db = _app.Db()) unit = db.UnitTypes.Single(u => u.Name == "vcpu-hours").Id;
        await data.BucketAsync(_acme, await data.SourceAsync("vmware"), unit, Aggregation.Sum, 1, 1, 1, Array.Empty<int>());
        await Assert.ThrowsAsync<ConflictException>(() => _app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync("2026-10-01"));
        using (await Gate.EnterAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token)) { }
        Assert.Equal(1, (await Ingest().IngestAsync(new[] { Event("after") })).Accepted);
    }

    [Fact]
    public async Task UsageForADisabledClientIsRefusedNamingTheField()
    {
        await using (var db = _app.Db())
            await db.Clients.Where(c => c.Id == _globex).ExecuteUpdateAsync(u => u.SetProperty(c => c.Enabled, false));

        var refused = await Assert.ThrowsAsync<UsageBatchRejectedException>(() =>
            Ingest().IngestAsync(new[] { Event("ok", "vm-a", client: _acme), Event("off", "vm-b", client: _globex) }));
        var error = Assert.Single(refused.Errors);
        Assert.Equal((1, "client_id"), (error.Index, error.Field));
        Assert.Contains("disabled", error.Message);
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM usage_readings"));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM assets"));
    }

    [Fact]
    public async Task ScopedKeyClaimsAnUnacknowledgedUnassignedAssetButNotAnAcknowledgedOne()
    {
        await Ingest().IngestAsync(new[] { Event("u1", "vm-new"), Event("u2", "vm-acked") });
        await using (var db = _app.Db())
            await db.Assets.Where(a => a.ExternalId == "vm-acked").ExecuteUpdateAsync(u => u.SetProperty(a => a.Acknowledged, true));
        var scoped = IngestKey with { ClientScope = _acme };

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => Ingest(scoped).IngestAsync(new[] { Event("s1", "vm-new"), Event("s2", "vm-acked") }));
        Assert.Contains("acknowledged", refused.Message);
        Assert.Equal(2, await ScalarAsync("SELECT COUNT(*) FROM usage_readings"));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM assets WHERE client_id IS NOT NULL"));

        Assert.Equal(1, (await Ingest(scoped).IngestAsync(new[] { Event("s3", "vm-new") })).Accepted);
        Assert.Equal(_acme, await ScalarAsync("SELECT client_id FROM assets WHERE external_id = 'vm-new'"));
        // An unscoped key may still attribute it, as client_id always could.
        Assert.Equal(1, (await Ingest().IngestAsync(new[] { Event("a1", "vm-acked", client: _globex) })).Accepted);
        Assert.Equal(_globex, await ScalarAsync("SELECT client_id FROM assets WHERE external_id = 'vm-acked'"));
    }

    [Fact]
    public async Task EventIdsAreKeptAsSentSoPaddedIdsAreNotDuplicates()
    {
        var result = await Ingest().IngestJsonAsync(System.Text.Json.JsonDocument.Parse($$"""
            [{"event_id":"x","timestamp":"{{TestClock.Now.AddHours(-1):O}}","source":"vmware","asset_id":"vm-1","unit_type":"vcpu-hours","value":1},
             {"event_id":" x ","timestamp":"{{TestClock.Now.AddHours(-1):O}}","source":"vmware","asset_id":"vm-1","unit_type":"vcpu-hours","value":1}]
            """).RootElement);
        Assert.Equal(new IngestResult(2, 0, 0), result);
        await using var db = _app.Db();
        Assert.Equal(new[] { " x ", "x" }, await db.UsageReadings.Select(r => r.EventId).OrderBy(id => id).ToListAsync());
    }

    [Theory]
    [InlineData("nul\0id")]
    [InlineData("line\nbreak")]
    [InlineData("tab\tid")]
    [InlineData("del\u007fid")]
    [InlineData("   ")]
    public async Task EventIdsWithControlCharactersOrOnlySpacesAreRefused(string eventId)
    {
        var refused = await Assert.ThrowsAsync<UsageBatchRejectedException>(() => Ingest().IngestAsync(new[] { Event(eventId) }));
        Assert.Equal("event_id", Assert.Single(refused.Errors).Field);
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM assets"));
    }

    [Fact]
    public async Task ADuplicateEventNeitherCreatesNorRenamesAssets()
    {
        await Ingest().IngestAsync(new[] { Event("e1", "vm-1", name: "web-01") });

        // The same event id again, now naming another asset and a new name: a duplicate, nothing else.
        var result = await Ingest().IngestAsync(new[] { Event("e1", "vm-2", name: "other", source: "aws"), Event("e1", "vm-1", name: "renamed") });
        Assert.Equal(new IngestResult(0, 2, 0), result);
        // Inside one batch the first occurrence wins; the repeat does not rename its asset.
        Assert.Equal(new IngestResult(1, 1, 0), await Ingest().IngestAsync(new[] { Event("e2", "vm-1"), Event("e2", "vm-1", name: "renamed too") }));

        await using var db = _app.Db();
        var asset = await db.Assets.SingleAsync();
        Assert.Equal(("vm-1", "web-01"), (asset.ExternalId, asset.Name));
        Assert.False(await db.SourceTypes.AnyAsync(s => s.Name == "aws"));
    }

    [Theory]
    [InlineData(1999, 12, 31)]
    [InlineData(1970, 1, 1)]
    [InlineData(1, 1, 1)]
    public async Task ReadingsDatedBefore2000AreRefused(int year, int month, int day)
    {
        var refused = await Assert.ThrowsAsync<UsageBatchRejectedException>(() =>
            Ingest().IngestAsync(new[] { Event("old", at: new DateTimeOffset(year, month, day, 23, 59, 59, TimeSpan.Zero)) }));
        var error = Assert.Single(refused.Errors);
        Assert.Equal("timestamp", error.Field);
        Assert.Contains("2000-01-01", error.Message);
        Assert.Equal(1, (await Ingest().IngestAsync(new[] { Event("floor", at: UsageLimits.EarliestTimestamp) })).Accepted);
    }

    [Fact]
    public async Task ABacktrackingSuppressionRegexDoesNotStallIngest()
    {
        // Catastrophic for a backtracking engine on ids of a's followed by "!": 100 ms (the timeout) per asset before.
        await _app.Service<SuppressionService>(TestApp.Admin).CreateAsync(new SuppressionInput("^(a+)+$", "regex", "evil"));
        var ids = Enumerable.Range(0, 150).Select(i => Event($"e{i}", new string('a', 30 + i % 10) + "!" + i)).ToList();

        var watch = Stopwatch.StartNew();
        var result = await Ingest().IngestAsync(ids);
        Assert.Equal(150, result.Accepted);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task AStoredRegexThatNeedsBacktrackingTimesOutOncePerBatchAtMost()
    {
        // Saved before such patterns were refused (straight into the table), with a backreference.
        await using (var db = _app.Db())
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO ingest_suppressions (pattern, type, reason, created_at, hit_count) VALUES ('^(a+)+\\1$', 'Regex', 'legacy', '2026-01-01 00:00:00', 0)");
        var ids = Enumerable.Range(0, 150).Select(i => Event($"e{i}", new string('a', 30 + i % 10) + "!" + i)).ToList();

        var watch = Stopwatch.StartNew();
        Assert.Equal(150, (await Ingest().IngestAsync(ids)).Accepted);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.ElapsedMilliseconds} ms");
    }
}
