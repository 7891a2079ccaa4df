using System.Text;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Dashboard;
using MeteringConsole.Features.Projections;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>
/// Issue 8, money and history: contract dates, only closed periods billed, finalized lines that keep
/// what they were billed as, disabled clients, and values at the limits. Now is 2026-11-21 (November open).
/// </summary>
public sealed class ContractAndHistoryTests : IAsyncLifetime
{
    private const string October = "2026-10-01";
    private TestApp _app = null!;
    private BillingFixture _data = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _data = BillingFixture.For(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private BillingRunService Runs => _app.Service<BillingRunService>(TestApp.Operator);

    private async Task<Dictionary<int, BillingReadingRow>> ReadingsAsync(string period = October)
        => (await _app.Service<BillingReadingService>(TestApp.Viewer).ReadingsAsync(period, null, null, new PageRequest(0, 500)))
            .Items.ToDictionary(r => r.BucketId);

    private async Task<(int Client, int Source, int Unit, int Asset)> EstateAsync(string name, bool clientEnabled = true)
    {
        var client = await _data.ClientAsync(name, clientEnabled);
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("hours-" + name);
        var asset = await _data.AssetAsync(source, "vm-" + name, client);
        await _data.ReadingsAsync(asset, unit, (Utc(2026, 10, 5), 10));
        return (client, source, unit, asset);
    }

    [Fact]
    public async Task APeriodBillsOnlyTheBucketsWhoseContractCoversIt()
    {
        var (client, source, unit, asset) = await EstateAsync("Contracts");
        var covering = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 5, 1, 2, new[] { asset }, startsOn: new(2026, 10, 20));
        var later = await _data.BucketAsync(client, source, unit, Aggregation.Max, 5, 1, 2, new[] { asset }, startsOn: new(2026, 11, 1));
        var ended = await _data.BucketAsync(client, source, unit, Aggregation.Count, 5, 1, 2, new[] { asset }, startsOn: new(2026, 1, 1),
            endsOn: new(2026, 9, 30));
        var lastDay = await _data.BucketAsync(client, source, unit, Aggregation.Last, 5, 1, 2, new[] { asset }, startsOn: new(2026, 1, 1),
            endsOn: new(2026, 10, 1));

        var run = await Runs.RunAsync(October);

        Assert.Equal((RunStatus.Succeeded, 2), (run.Status, run.BucketCount));
        var readings = await ReadingsAsync();
        Assert.Equal(new[] { covering, lastDay }.Order(), readings.Keys.Order());
        Assert.DoesNotContain(later, readings.Keys);
        Assert.DoesNotContain(ended, readings.Keys);
        Assert.Equal((new DateOnly(2026, 10, 20), (DateOnly?)null), (readings[covering].StartsOn, readings[covering].EndsOn));
    }

    [Fact]
    public async Task ANewBucketsContractStartsWithThePeriodItIsCreatedInAndMayNotEndBeforeItStarts()
    {
        var (client, _, unit, _) = await EstateAsync("Defaults");
        var buckets = _app.Service<BucketService>(TestApp.Operator);
        var unitName = (await _app.Db().UnitTypes.FindAsync(unit))!.Name;

        var created = await buckets.CreateAsync(new BucketInput(client, "Compute", "vmware", unitName, null, 10, 1, 2, true, true, null));

        Assert.Equal((new DateOnly(2026, 11, 1), (DateOnly?)null), (created.StartsOn, created.EndsOn));
        var backwards = await Assert.ThrowsAsync<ValidationException>(() => buckets.UpdateAsync(created.Id,
            new BucketInput(client, "Compute", "vmware", unitName, null, 10, 1, 2, true, true, null, "2026-11-01", "2026-10-31")));
        Assert.Equal("ends_on", Assert.Single(backwards.Errors.Keys));
        var badDate = await Assert.ThrowsAsync<ValidationException>(() => buckets.CreateAsync(
            new BucketInput(client, "Other", "vmware", unitName, null, 10, 1, 2, true, true, null, "0001-01-01")));
        Assert.Equal("starts_on", Assert.Single(badDate.Errors.Keys));
        Assert.Equal(new DateOnly(2026, 11, 1), (await buckets.GetAsync(created.Id)).StartsOn);
        Assert.Single(await _app.Db().BillingBuckets.ToListAsync());
    }

    [Fact]
    public async Task TheOpenAFutureAndAPeriodBeforeEveryContractAreNeitherBilledNorFinalized()
    {
        var (client, source, unit, asset) = await EstateAsync("Closed only");
        await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 1, new[] { asset }, startsOn: new(2026, 3, 15));
        var readings = _app.Service<BillingReadingService>(TestApp.Admin);

        foreach (var (period, reason) in new[] { ("2026-11-01", "open period"), ("2027-01-01", "not started"), ("2026-02-01", "earliest contract") })
        {
            var run = await Assert.ThrowsAsync<ValidationException>(() => Runs.RunAsync(period));
            Assert.Contains(reason, Assert.Single(run.Errors["period_start"]));
            var finalize = await Assert.ThrowsAsync<ValidationException>(() => readings.FinalizeAsync(period));
            Assert.Contains(reason, Assert.Single(finalize.Errors["period_start"]));
        }
        Assert.Empty(await _app.Db().BillingRuns.ToListAsync());
        // The month the contract starts in is billed whole.
        Assert.Equal(RunStatus.Succeeded, (await Runs.RunAsync("2026-03-01")).Status);
    }

    [Fact]
    public async Task DatesOutsideTheCalendarAreAFieldErrorNotACrash()
    {
        var settings = _app.Service<BillingSettings>(TestApp.Viewer);
        foreach (var date in new[] { "9999-12-01", "0001-01-01", "1999-12-01" })
        {
            Assert.Equal("period_start", Assert.Single(Assert.Throws<ValidationException>(() => settings.ParsePeriod(date)).Errors.Keys));
            await Assert.ThrowsAsync<ValidationException>(() => _app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync(date));
            await Assert.ThrowsAsync<ValidationException>(() => _app.Service<BillingExport>(TestApp.Viewer).CreateAsync(date, null));
        }
    }

    [Fact]
    public async Task RenamingOrRetypingABucketChangesNothingInAFinalizedPeriod()
    {
        var (client, source, unit, asset) = await EstateAsync("History");
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 5, 1, 2, new[] { asset }, name: "Compute hours");
        await Runs.RunAsync(October);
        await _app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync(October);
        var before = (await ReadingsAsync())[bucket];
        var csvBefore = await ExportAsync();
        var statementBefore = Assert.Single((await _app.Service<BillingReadingService>(TestApp.Viewer)
            .StatementsAsync(new StatementFilter(October), new PageRequest(0, 10))).Items);

        await _data.UnitTypeAsync("seats-history", Aggregation.Max);
        var buckets = _app.Service<BucketService>(TestApp.Operator);
        var current = await buckets.GetAsync(bucket);
        await buckets.UpdateAsync(bucket, new BucketInput(client, "Renamed bucket", "vmware", "seats-history", "last", 50, 3, 4, true, true,
            Array.Empty<string>(), "2026-11-01"));

        var after = (await ReadingsAsync())[bucket];
        Assert.Equal(before, after);
        Assert.Equal(("Compute hours", "vmware", current.UnitType, Aggregation.Sum), (after.BucketName, after.SourceType, after.UnitType, after.Aggregation));
        Assert.Equal(csvBefore, await ExportAsync());
        Assert.Contains("Compute hours", csvBefore);
        Assert.DoesNotContain("Renamed bucket", csvBefore);
        Assert.Equal(statementBefore, Assert.Single((await _app.Service<BillingReadingService>(TestApp.Viewer)
            .StatementsAsync(new StatementFilter(October), new PageRequest(0, 10))).Items));
    }

    private async Task<string> ExportAsync()
        => Encoding.UTF8.GetString((await _app.Service<BillingExport>(TestApp.Viewer).CreateAsync(October, null)).Content);

    [Fact]
    public async Task ADisabledClientsBucketsAreNeitherBilledNorProjected()
    {
        var (active, source, unit, activeAsset) = await EstateAsync("Active");
        var (gone, _, goneUnit, goneAsset) = await EstateAsync("Gone", clientEnabled: false);
        var billed = await _data.BucketAsync(active, source, unit, Aggregation.Sum, 5, 1, 2, new[] { activeAsset });
        var disabled = await _data.BucketAsync(gone, source, goneUnit, Aggregation.Sum, 5, 1, 2, new[] { goneAsset });
        await _data.ReadingsAsync(goneAsset, goneUnit, (Utc(2026, 11, 5), 10));

        await Runs.RunAsync(October);
        await _app.Service<ProjectionService>(TestApp.Operator).RunAsync();

        Assert.Equal(new[] { billed }, (await ReadingsAsync()).Keys);
        Assert.DoesNotContain(await _app.Db().Projections.Select(p => p.BucketId).ToListAsync(), id => id == disabled);
        var card = Assert.Single(await _app.Service<BucketCardService>(TestApp.Viewer).CardsAsync(gone));
        Assert.Contains("client is disabled", card.NotBilled);
        var listed = await _app.Service<BucketService>(TestApp.Viewer).ListAsync(new BucketFilter(gone), new PageRequest(0, 10));
        Assert.False(Assert.Single(listed.Items).ClientEnabled);
    }

    [Fact]
    public async Task ReadingsAtTheLimitForAWholeMonthBillAndProjectWithoutOverflow()
    {
        var client = await _data.ClientAsync("Huge");
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("bytes");
        var asset = await _data.AssetAsync(source, "vm-huge", client);
        var hourly = Enumerable.Range(0, 31 * 24).Select(h => (Utc(2026, 10, 1).AddHours(h), ValueLimits.MaxReadingValue))
            .Concat(Enumerable.Range(0, 20 * 24).Select(h => (Utc(2026, 11, 1).AddHours(h), ValueLimits.MaxReadingValue))).ToArray();
        await _data.ReadingsAsync(asset, unit, hourly);
        // A row stored before the limit existed (the 1e13 of the issue) must not break anyone's run either.
        var legacy = await _data.AssetAsync(source, "vm-legacy", client);
        await _data.ReadingsAsync(legacy, unit, (Utc(2026, 10, 2), 1e13), (Utc(2026, 11, 2), 1e300));
        var buckets = new List<int>();
        foreach (var aggregation in Enum.GetValues<Aggregation>())
        {
            buckets.Add(await _data.BucketAsync(client, source, unit, aggregation, commit: 0.000001m, baseRate: 1000, overageRate: BucketService.MaxRate,
                new[] { asset, legacy }));
        }
        var small = await EstateAsync("Small neighbour");
        var neighbour = await _data.BucketAsync(small.Client, small.Source, small.Unit, Aggregation.Sum, 5, 1, 2, new[] { small.Asset });

        var run = await Runs.RunAsync(October);
        var projected = await _app.Service<ProjectionService>(TestApp.Operator).RunAsync();

        Assert.Equal((RunStatus.Succeeded, null), (run.Status, run.Error));
        var readings = await ReadingsAsync();
        // Committed 5 × 1 plus 5 units over at 2: the neighbour's bill is untouched by the huge one.
        Assert.Equal(15m, readings[neighbour].FinalCost);
        Assert.All(buckets, b => Assert.True(readings[b].TotalUsage <= ValueLimits.MaxBucketUsage));
        Assert.All(buckets, b => Assert.True(readings[b].FinalCost <= 2 * ValueLimits.MaxLineAmount));
        Assert.Equal(ValueLimits.MaxBucketUsage, readings[buckets[(int)Aggregation.Sum]].TotalUsage);
        Assert.Contains("buckets projected", projected);
        var projections = await _app.Service<ProjectionService>(TestApp.Viewer).ListAsync(new ProjectionFilter(client), new PageRequest(0, 10));
        Assert.All(projections.Items, p => Assert.True(p.PercentOfCommit <= ValueLimits.MaxPercentOfCommit));
        Assert.NotEmpty(await _app.Service<BucketCardService>(TestApp.Viewer).CardsAsync(client));
        Assert.NotNull((await _app.Service<DashboardService>(TestApp.Viewer).RevenueAsync()).LastPeriod);
    }

    [Fact]
    public async Task TheDashboardAndTheExportDefaultNeverTakeAPartialMonth()
    {
        var (client, source, unit, asset) = await EstateAsync("Partial");
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 5, 1, 2, new[] { asset });
        await Runs.RunAsync(October);
        // A bill of the open period, as a release before closed-periods-only could have left behind.
        await using (var db = _app.Db())
        {
            var november = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
            var run = new BillingRun
            {
                PeriodStart = november, PeriodEnd = november.AddMonths(1), Status = RunStatus.Succeeded, StartedBy = "test", QueuedAt = november,
            };
            db.BillingRuns.Add(run);
            await db.SaveChangesAsync();
            db.BillingReadings.Add(new BillingReading
            {
                BillingRunId = run.Id, BucketId = bucket, ClientId = client, PeriodStart = november, PeriodEnd = november.AddMonths(1),
                BucketName = "x", SourceType = "vmware", UnitType = "u", StartsOn = new(2026, 1, 1), FinalCost = 99_999, CreatedAt = november,
            });
            await db.SaveChangesAsync();
        }

        var revenue = await _app.Service<DashboardService>(TestApp.Viewer).RevenueAsync();

        Assert.Equal(October, revenue.LastPeriod?.Period);
        Assert.Equal(October, await _app.Service<BillingReadingService>(TestApp.Viewer).LatestPeriodAsync());
        Assert.StartsWith($"billing-{October}", (await _app.Service<BillingExport>(TestApp.Viewer).CreateAsync(null, null)).FileName);
    }
}
