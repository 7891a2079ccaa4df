using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Usage;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static MeteringConsole.Tests.Features.Usage.IngestTestData;

namespace MeteringConsole.Tests.Features.Usage;

public sealed class IngestServiceTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private int _acme, _globex;
    private static readonly Actor IngestKey = new(ActorKind.ApiKey, "collector", Roles.Ingest, ApiKeyId: 7);

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        (_acme, _globex) = await SeedAsync(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private IngestService Ingest(Actor? actor = null) => _app.Service<IngestService>(actor ?? IngestKey);

    [Fact]
    public async Task FirstEventCreatesANewUnassignedAssetAndItsReading()
    {
        var result = await Ingest().IngestAsync(new[] { Event("e1", name: "web-01") });
        Assert.Equal(new IngestResult(1, 0, 0), result);

        await using var db = _app.Db();
        var asset = await db.Assets.Include(a => a.SourceType).SingleAsync();
        Assert.Equal(("vmware", "vm-1", "web-01", false, (int?)null), (asset.SourceType!.Name, asset.ExternalId, asset.Name, asset.Acknowledged, asset.ClientId));
        var reading = await db.UsageReadings.SingleAsync();
        Assert.Equal(("e1", asset.Id, "apikey:7"), (reading.EventId, reading.AssetId, reading.SentBy));
        var audit = await db.AuditEntries.SingleAsync(a => a.Table == "assets");
        Assert.Equal(("Insert", "apikey:collector (7)"), (audit.Action, audit.Actor));
    }

    [Fact]
    public async Task ClientIdAttributesNewAndUnassignedAssetsButDoesNotMoveAssignedOnes()
    {
        await Ingest().IngestAsync(new[] { Event("e1", "vm-a", client: _acme), Event("e2", "vm-b") });
        await Ingest().IngestAsync(new[] { Event("e3", "vm-b", client: _globex), Event("e4", "vm-a", client: _globex) });

        await using var db = _app.Db();
        var owners = await db.Assets.ToDictionaryAsync(a => a.ExternalId, a => a.ClientId);
        Assert.Equal(_acme, owners["vm-a"]);
        Assert.Equal(_globex, owners["vm-b"]);
    }

    [Fact]
    public async Task LaterEventsUpdateLastSeenNameAndDescription()
    {
        await Ingest().IngestAsync(new[] { Event("e1", name: "old") });
        await using (var db = _app.Db())
            await db.Database.ExecuteSqlRawAsync("UPDATE assets SET last_seen_at = '2020-01-01 00:00:00'");
        await Ingest().IngestAsync(new[] { new UsageEvent("e2", TestClock.Now, "vmware", "vm-1", "vcpu-hours", 1, null, "new", "a description") });

        await using var check = _app.Db();
        var asset = await check.Assets.SingleAsync();
        Assert.Equal(("new", "a description"), (asset.Name, asset.Description));
        Assert.True(asset.LastSeenAt > TestClock.Now.UtcDateTime.AddMinutes(-1));
    }

    [PostgreSqlFact]
    public async Task OnPostgreSqlLastSeenMovesAtMostOnceAMinuteUnlessTheAssetChanges()
    {
        await Ingest().IngestAsync(new[] { Event("e1", name: "web") });
        var first = _app.Clock.GetUtcNow().UtcDateTime;
        async Task<(DateTime?, string)> AssetAsync()
        {
            await using var db = _app.Db();
            var asset = await db.Assets.SingleAsync();
            return (asset.LastSeenAt, asset.Name);
        }

        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        await Ingest().IngestAsync(new[] { Event("e2", name: "web") });
        Assert.Equal((first, "web"), await AssetAsync());

        // A new name is written at once, and the time with it.
        await Ingest().IngestAsync(new[] { Event("e3", name: "web-01") });
        var renamed = _app.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal((renamed, "web-01"), await AssetAsync());

        _app.Clock.Advance(TimeSpan.FromSeconds(61));
        await Ingest().IngestAsync(new[] { Event("e4") });
        Assert.Equal((_app.Clock.GetUtcNow().UtcDateTime, "web-01"), await AssetAsync());
    }

    [Fact]
    public async Task RepeatedEventIdsAreDuplicatesForEverAndInsideOneBatch()
    {
        Assert.Equal(new IngestResult(2, 1, 0), await Ingest().IngestAsync(new[] { Event("e1", value: 5), Event("e1", value: 7), Event("e2") }));
        Assert.Equal(new IngestResult(0, 2, 0), await Ingest().IngestAsync(new[] { Event("e1", value: 9), Event("e2") }));

        await using var db = _app.Db();
        Assert.Equal(5, (await db.UsageReadings.SingleAsync(r => r.EventId == "e1")).Value);
        Assert.Equal(6, (await db.UsageDailyRollups.SumAsync(r => r.Sum)));
    }

    [Fact]
    public async Task OneInvalidEventRefusesTheWholeBatchAndStoresNothing()
    {
        var error = await Assert.ThrowsAsync<UsageBatchRejectedException>(() =>
            Ingest().IngestAsync(new[] { Event("ok"), Event("bad", unit: "no-such-unit"), Event("bad2", client: 999) }));
        Assert.Equal(new[] { (1, "unit_type"), (2, "client_id") }, error.Errors.Select(e => (e.Index, e.Field)));

        await using var db = _app.Db();
        Assert.Equal(0, await db.UsageReadings.CountAsync());
        Assert.Equal(0, await db.Assets.CountAsync());
        Assert.Equal(0, await db.SourceTypes.CountAsync());
    }

    [Fact]
    public async Task UnitTypeNamesMatchIgnoringCase()
        => Assert.Equal(1, (await Ingest().IngestAsync(new[] { Event("e1", unit: "VCPU-Hours") })).Accepted);

    [Fact]
    public async Task SuppressedEventsCreateNothingStoreNothingAndCountTheHit()
    {
        await using (var db = _app.Db())
        {
            db.IngestSuppressions.Add(new IngestSuppression { Pattern = "tmp-*", Type = SuppressionType.Glob, Reason = "scratch VMs", CreatedAt = TestClock.Now.UtcDateTime });
            await db.SaveChangesAsync();
        }
        var result = await Ingest().IngestAsync(new[] { Event("e1", "tmp-1"), Event("e2", "tmp-2"), Event("e3", "vm-1"), Event("e4", "x", name: "TMP-build") });
        Assert.Equal(new IngestResult(1, 0, 3), result);

        await using var check = _app.Db();
        Assert.Equal(new[] { "vm-1" }, await check.Assets.Select(a => a.ExternalId).ToListAsync());
        Assert.Equal(1, await check.UsageReadings.CountAsync());
        var rule = await check.IngestSuppressions.SingleAsync();
        Assert.Equal(3, rule.HitCount);
        Assert.NotNull(rule.LastHitAt);
    }

    [Fact]
    public async Task EveryEventOfASuppressedAssetIsDroppedEvenWhenLaterEventsCarryNoName()
    {
        await using (var db = _app.Db())
        {
            db.IngestSuppressions.Add(new IngestSuppression { Pattern = "scratch-*", Type = SuppressionType.Glob, Reason = "scratch", CreatedAt = TestClock.Now.UtcDateTime });
            await db.SaveChangesAsync();
        }
        // The rule matches the name on the asset's first event only; the asset is dropped as a whole.
        var result = await Ingest().IngestAsync(new[] { Event("n1", "vm-77", name: "scratch-box"), Event("n2", "vm-77"), Event("n3", "vm-78") });
        Assert.Equal(new IngestResult(1, 0, 2), result);
        await using var check = _app.Db();
        Assert.Equal(2, (await check.IngestSuppressions.SingleAsync()).HitCount);
        Assert.Equal(new[] { "vm-78" }, await check.Assets.Select(a => a.ExternalId).ToListAsync());
    }

    [Fact]
    public async Task DisregardedAssetsKeepReceivingReadings()
    {
        await Ingest().IngestAsync(new[] { Event("e1") });
        await using (var db = _app.Db())
            await db.Database.ExecuteSqlRawAsync("UPDATE assets SET disregarded = TRUE");
        Assert.Equal(1, (await Ingest().IngestAsync(new[] { Event("e2") })).Accepted);
    }

    [Fact]
    public async Task ClientScopedKeyAttributesNewAssetsToItsClientAndIsRefusedOtherClientsAssets()
    {
        var scoped = IngestKey with { ClientScope = _acme };
        await Ingest().IngestAsync(new[] { Event("e0", "globex-vm", client: _globex) });

        await Ingest(scoped).IngestAsync(new[] { Event("e1", "acme-vm") });
        await Assert.ThrowsAsync<ForbiddenException>(() => Ingest(scoped).IngestAsync(new[] { Event("e2", "globex-vm") }));
        await Assert.ThrowsAsync<ForbiddenException>(() => Ingest(scoped).IngestAsync(new[] { Event("e3", "other", client: _globex) }));

        await using var db = _app.Db();
        Assert.Equal(_acme, (await db.Assets.SingleAsync(a => a.ExternalId == "acme-vm")).ClientId);
        Assert.Equal(new[] { "e0", "e1" }, await db.UsageReadings.OrderBy(r => r.EventId).Select(r => r.EventId).ToListAsync());
    }

    [Fact]
    public async Task ViewerAndReadOnlyKeyCannotIngest()
    {
        await Assert.ThrowsAsync<ForbiddenException>(() => Ingest(TestApp.Viewer).IngestAsync(new[] { Event("e1") }));
        await Assert.ThrowsAsync<ForbiddenException>(() => Ingest(IngestKey with { Role = Roles.ReadOnly }).IngestAsync(new[] { Event("e1") }));
        Assert.Equal(1, (await Ingest(TestApp.Operator).IngestAsync(new[] { Event("e2") })).Accepted);
    }

    [Fact]
    public async Task LateReadingIntoAFinalizedPeriodIsRefused()
    {
        await using (var db = _app.Db())
        {
            db.BillingPeriods.Add(new BillingPeriod
            {
                PeriodStart = new DateTime(2026, 9, 1, 0, 0, 0, DateTimeKind.Utc), PeriodEnd = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc),
                FinalizedAt = TestClock.Now.UtcDateTime, FinalizedBy = "test",
            });
            await db.SaveChangesAsync();
        }
        var error = await Assert.ThrowsAsync<UsageBatchRejectedException>(() => Ingest().IngestAsync(new[]
        {
            Event("late", at: new DateTimeOffset(2026, 9, 30, 23, 59, 59, TimeSpan.Zero)),
        }));
        Assert.Contains("2026-09-01 is finalized", error.Errors.Single().Message);
        // The end instant belongs to the next, open period.
        Assert.Equal(1, (await Ingest().IngestAsync(new[] { Event("next", at: new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero)) })).Accepted);
    }

    [Fact]
    public async Task RollupsKeepSumCountMaxAndTheLatestValuePerDay()
    {
        var day = new DateTimeOffset(2026, 11, 10, 0, 0, 0, TimeSpan.Zero);
        await Ingest().IngestAsync(new[]
        {
            Event("a", value: 3, at: day.AddHours(9)),
            Event("b", value: 8, at: day.AddHours(18)),
            Event("c", value: 5, at: day.AddHours(12)),
        });
        // A late reading for an earlier hour must not replace the latest value.
        await Ingest().IngestAsync(new[] { Event("d", value: 1, at: day.AddHours(1)), Event("e", value: 2, at: day.AddDays(1)) });

        await using var db = _app.Db();
        var rollup = await db.UsageDailyRollups.SingleAsync(r => r.Day == 20261110);
        Assert.Equal((17d, 4L, 8d, 8d), (rollup.Sum, rollup.Count, rollup.Max, rollup.LastValue));
        Assert.Equal(day.AddHours(18).ToUnixTimeMilliseconds(), rollup.LastTimestampMs);
        Assert.Equal(2, (await db.UsageDailyRollups.SingleAsync(r => r.Day == 20261111)).Sum);
    }

    [Fact]
    public async Task AmongReadingsAtTheSameInstantTheLastOneSentIsTheDaysLastValue()
    {
        var at = new DateTimeOffset(2026, 11, 10, 9, 0, 0, TimeSpan.Zero);
        await Ingest().IngestAsync(new[] { Event("s1", value: 4, at: at), Event("s2", value: 6, at: at), Event("s3", value: 1, at: at.AddHours(-1)) });
        await using (var db = _app.Db())
        {
            var rollup = await db.UsageDailyRollups.SingleAsync();
            Assert.Equal((6d, 11d), (rollup.LastValue, rollup.Sum));
        }
        // A later batch at the same instant is sent later still.
        await Ingest().IngestAsync(new[] { Event("s4", value: 2, at: at) });
        await using var check = _app.Db();
        var after = await check.UsageDailyRollups.SingleAsync();
        Assert.Equal((2d, 13d, 4L), (after.LastValue, after.Sum, after.Count));
    }

    [Fact]
    public async Task DaysAreCutInTheBillingTimeZone()
    {
        await using var app = await TestApp.CreateAsync(s => s["Billing:TimeZone"] = "America/New_York");
        await SeedAsync(app);
        // 03:00 UTC on the 10th is still the 9th in New York (UTC-5 in November).
        await app.Service<IngestService>(IngestKey).IngestAsync(new[] { Event("ny", at: new DateTimeOffset(2026, 11, 10, 3, 0, 0, TimeSpan.Zero)) });
        await using var db = app.Db();
        Assert.Equal(20261109, (await db.UsageDailyRollups.SingleAsync()).Day);
    }
}
