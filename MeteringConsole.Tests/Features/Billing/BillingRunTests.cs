using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>Billing runs executed inline against a real database: the money rules of PRODUCT.md end to end.</summary>
public sealed class BillingRunTests : IAsyncLifetime
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

    private BillingRunService Runs(Actor? actor = null) => _app.Service<BillingRunService>(actor ?? TestApp.Operator);

    private async Task<Dictionary<int, BillingReadingRow>> ReadingsAsync(string period = October)
        => (await _app.Service<BillingReadingService>(TestApp.Viewer).ReadingsAsync(period, null, null, new PageRequest(0, 500)))
            .Items.ToDictionary(r => r.BucketId);

    [Fact]
    public async Task EveryAggregationIsPerAssetThenSummedOverTheAssets()
    {
        var client = await _data.ClientAsync("Aggregations Ltd");
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("units");
        var a = await _data.AssetAsync(source, "vm-a", client);
        var b = await _data.AssetAsync(source, "vm-b", client);
        // Asset a: three readings over two days; asset b: two readings on one day, the later one smaller.
        await _data.ReadingsAsync(a, unit, (Utc(2026, 10, 3, 8), 10), (Utc(2026, 10, 3, 20), 30), (Utc(2026, 10, 20, 1), 20));
        await _data.ReadingsAsync(b, unit, (Utc(2026, 10, 9, 10), 7), (Utc(2026, 10, 9, 11), 5));
        var buckets = new Dictionary<Aggregation, int>();
        foreach (var aggregation in Enum.GetValues<Aggregation>())
            buckets[aggregation] = await _data.BucketAsync(client, source, unit, aggregation, commit: 0, baseRate: 0, overageRate: 1, new[] { a, b });

        var run = await Runs().RunAsync(October);

        Assert.Equal((RunStatus.Succeeded, 5), (run.Status, run.BucketCount));
        var usage = (await ReadingsAsync()).ToDictionary(r => r.Key, r => r.Value.TotalUsage);
        Assert.Equal(60m + 12m, usage[buckets[Aggregation.Sum]]);
        Assert.Equal(3m + 2m, usage[buckets[Aggregation.Count]]);
        Assert.Equal(30m + 7m, usage[buckets[Aggregation.Max]]);
        Assert.Equal(20m + 6m, usage[buckets[Aggregation.Avg]]);
        Assert.Equal(20m + 5m, usage[buckets[Aggregation.Last]]);
    }

    [Fact]
    public async Task AverageOfManyReadingsIsTheMeanOfTheReadingsNotOfTheDays()
    {
        var (client, source, unit) = (await _data.ClientAsync("Avg"), await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("ram-gb", Aggregation.Avg));
        var a = await _data.AssetAsync(source, "vm-avg", client);
        // Day one: 1, 2, 3 (mean 2); day two: 10 (mean 10). Mean of readings = 16 / 4 = 4, mean of daily means = 6.
        await _data.ReadingsAsync(a, unit, (Utc(2026, 10, 1, 1), 1), (Utc(2026, 10, 1, 2), 2), (Utc(2026, 10, 1, 3), 3), (Utc(2026, 10, 2, 1), 10));
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Avg, 0, 0, 0, new[] { a });

        await Runs().RunAsync(October);

        Assert.Equal(4m, (await ReadingsAsync())[bucket].TotalUsage);
    }

    [Fact]
    public async Task AReadingAtThePeriodsEndInstantBelongsToTheNextPeriod()
    {
        var (client, source, unit) = (await _data.ClientAsync("Boundaries"), await _data.SourceAsync("aws"), await _data.UnitTypeAsync("hours"));
        var a = await _data.AssetAsync(source, "i-1", client);
        await _data.ReadingsAsync(a, unit, (Utc(2026, 9, 30, 23, 59), 1000), (Utc(2026, 10, 1), 1), (Utc(2026, 10, 31, 23, 59), 2),
            (Utc(2026, 11, 1), 4000));
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 0, new[] { a });

        await Runs().RunAsync(October);

        Assert.Equal(3m, (await ReadingsAsync())[bucket].TotalUsage);
    }

    [Fact]
    public async Task OverUnderAndExactlyAtCommitArePricedToTheCent()
    {
        var (client, source, unit) = (await _data.ClientAsync("Commit Co"), await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("vcpu"));
        var usage = new Dictionary<string, int>();
        foreach (var (name, value) in new[] { ("over", 130.5), ("under", 80.25), ("at", 100.0) })
        {
            var asset = await _data.AssetAsync(source, "vm-" + name, client);
            await _data.ReadingsAsync(asset, unit, (Utc(2026, 10, 15), value));
            usage[name] = await _data.BucketAsync(client, source, unit, Aggregation.Sum, commit: 100, baseRate: 0.0125m, overageRate: 0.0175m, new[] { asset });
        }

        await Runs().RunAsync(October);

        var lines = await ReadingsAsync();
        var over = lines[usage["over"]];
        Assert.Equal((130.5m, 30.5m, 0.53m, 0m, 0m, 1.25m, 1.78m), (over.TotalUsage, over.OverageUnits, over.OverageCost, over.BufferUnits, over.BufferCost, over.CommittedCost, over.FinalCost));
        var under = lines[usage["under"]];
        Assert.Equal((0m, 0m, 19.75m, 0.25m, 1.25m), (under.OverageUnits, under.OverageCost, under.BufferUnits, under.BufferCost, under.FinalCost));
        var at = lines[usage["at"]];
        Assert.Equal((0m, 0m, 1.25m), (at.OverageUnits, at.BufferUnits, at.FinalCost));

        var statement = Assert.Single((await _app.Service<BillingReadingService>(TestApp.Viewer).StatementsAsync(new StatementFilter(October), new PageRequest())).Items);
        Assert.Equal((3, 1.78m + 1.25m + 1.25m, "Mixed"), (statement.Buckets, statement.TotalCost, statement.Status));
    }

    [Fact]
    public async Task DisregardedAssetsAndDisabledBucketsAreNotBilled()
    {
        var (client, source, unit) = (await _data.ClientAsync("Exclusions"), await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("hours"));
        var kept = await _data.AssetAsync(source, "vm-kept", client);
        var disregarded = await _data.AssetAsync(source, "vm-gone", client, disregarded: true);
        await _data.ReadingsAsync(kept, unit, (Utc(2026, 10, 5), 5));
        await _data.ReadingsAsync(disregarded, unit, (Utc(2026, 10, 5), 500));
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 1, new[] { kept, disregarded });
        var disabled = await _data.BucketAsync(client, source, unit, Aggregation.Max, 0, 0, 1, new[] { kept }, enabled: false);

        await Runs().RunAsync(October);

        var lines = await ReadingsAsync();
        Assert.Equal(5m, lines[bucket].TotalUsage);
        Assert.False(lines.ContainsKey(disabled));
    }

    [Fact]
    public async Task ARerunReplacesThePeriodsReadings()
    {
        var (client, source, unit) = (await _data.ClientAsync("Rerun"), await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("hours"));
        var a = await _data.AssetAsync(source, "vm-r", client);
        await _data.ReadingsAsync(a, unit, (Utc(2026, 10, 5), 5));
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 1, new[] { a });
        var first = await Runs().RunAsync(October);
        await _data.ReadingsAsync(a, unit, (Utc(2026, 10, 6), 7));

        var second = await Runs().RunAsync(October);

        var line = Assert.Single((await ReadingsAsync()).Values);
        Assert.Equal((bucket, 12m, second.Id), (line.BucketId, line.TotalUsage, line.BillingRunId));
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task AFinalizedPeriodCannotBeBilledAgain()
    {
        var (client, source, unit) = (await _data.ClientAsync("Final"), await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("hours"));
        var a = await _data.AssetAsync(source, "vm-f", client);
        await _data.ReadingsAsync(a, unit, (Utc(2026, 10, 5), 5));
        await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 1, new[] { a });
        await Runs().RunAsync(October);

        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<BillingReadingService>(TestApp.Operator).FinalizeAsync(October));
        var period = await _app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync(October);

        Assert.True(period.Finalized);
        Assert.Equal("user:admin@test", period.FinalizedBy);
        Assert.True(Assert.Single((await ReadingsAsync()).Values).Finalized);
        await Assert.ThrowsAsync<ConflictException>(() => Runs().RunAsync(October));
        await Assert.ThrowsAsync<ConflictException>(() => _app.Service<BillingReadingService>(TestApp.Admin).FinalizeAsync(October));
        await using var db = _app.Db();
        // Ingest's contract: finalized periods are read as rows with a finalized_at.
        Assert.Single(await db.BillingPeriods.Where(p => p.FinalizedAt != null).ToListAsync());
        Assert.Contains(await db.AuditEntries.Where(e => e.Table == "billing_periods").Select(e => e.Actor).ToListAsync(), a => a == "user:admin@test");
    }

    [Fact]
    public async Task APeriodThatWasNeverBilledOrHasNotEndedCannotBeFinalized()
    {
        var (client, source, unit) = (await _data.ClientAsync("Unbilled"), await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("hours"));
        await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 1, Array.Empty<int>());
        var readings = _app.Service<BillingReadingService>(TestApp.Admin);
        await Assert.ThrowsAsync<ConflictException>(() => readings.FinalizeAsync("2026-09-01"));
        // Future and open periods are bad input (400 naming period_start), not a clash with the state.
        Assert.Equal("period_start", Assert.Single((await Assert.ThrowsAsync<ValidationException>(() => readings.FinalizeAsync("2099-01-01"))).Errors.Keys));
        await Assert.ThrowsAsync<ValidationException>(() => readings.FinalizeAsync("2026-11-01"));
        await Assert.ThrowsAsync<ValidationException>(() => readings.FinalizeAsync("2026-09-15"));
    }

    [Fact]
    public async Task TwoRunsStartedTogetherDoNotOverlap()
    {
        var (client, source, unit) = (await _data.ClientAsync("Together"), await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("hours"));
        var a = await _data.AssetAsync(source, "vm-t", client);
        await _data.ReadingsAsync(a, unit, (Utc(2026, 9, 5), 3), (Utc(2026, 10, 5), 5));
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 0, 1, new[] { a });

        var runs = await Task.WhenAll(Runs().RunAsync(October), Runs().RunAsync("2026-09-01"), Runs().RunAsync(October));

        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        var ordered = runs.OrderBy(r => r.StartedAt).ToList();
        for (var i = 1; i < ordered.Count; i++) Assert.True(ordered[i].StartedAt >= ordered[i - 1].FinishedAt, "runs overlapped");
        Assert.Equal(5m, (await ReadingsAsync())[bucket].TotalUsage);
        Assert.Equal(3m, (await ReadingsAsync("2026-09-01"))[bucket].TotalUsage);
    }

    [Fact]
    public async Task OnlyWritersMayRunBillingAndOnlyStartedPeriods()
    {
        await Assert.ThrowsAsync<ForbiddenException>(() => Runs(TestApp.Viewer).RunAsync(October));
        var e = await Assert.ThrowsAsync<ValidationException>(() => Runs().RunAsync("2099-01-01"));
        Assert.Contains("not started", e.Message);
        await Assert.ThrowsAsync<ValidationException>(() => Runs().RunAsync("2026-10-02"));
    }

    [Fact]
    public async Task ExportNeutralisesFormulasAndZipsSeveralSourceTypes()
    {
        var client = await _data.ClientAsync("=HYPERLINK(\"http://x\")");
        var other = await _data.ClientAsync("+Plus and -minus");
        var unit = await _data.UnitTypeAsync("hours");
        foreach (var (source, owner, name) in new[] { ("vmware", client, "@risky"), ("aws", other, "\tTabbed") })
        {
            var s = await _data.SourceAsync(source);
            var a = await _data.AssetAsync(s, source + "-1", owner);
            await _data.ReadingsAsync(a, unit, (Utc(2026, 10, 5), 1.5));
            await _data.BucketAsync(owner, s, unit, Aggregation.Sum, 1, 2, 3, new[] { a }, name: name);
        }
        await Runs().RunAsync(October);
        var export = _app.Service<BillingExport>(TestApp.Viewer);

        var zip = await export.CreateAsync(null, null);
        Assert.Equal(("application/zip", "billing-2026-10-01.zip"), (zip.ContentType, zip.FileName));
        using var archive = new System.IO.Compression.ZipArchive(new MemoryStream(zip.Content));
        Assert.Equal(new[] { "billing-2026-10-01-aws.csv", "billing-2026-10-01-vmware.csv" }, archive.Entries.Select(e => e.Name).Order());

        var vmware = await export.CreateAsync(October, "vmware");
        Assert.Equal(("text/csv", "billing-2026-10-01-vmware.csv"), (vmware.ContentType, vmware.FileName));
        var text = System.Text.Encoding.UTF8.GetString(vmware.Content);
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("period_start,period_end,client_id,client,bucket_id,bucket,source_type,unit_type,aggregation,total_usage,commit,base_rate_usd", lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.Contains("'=HYPERLINK(", lines[1]);
        Assert.Contains("'@risky", lines[1]);
        Assert.Contains(",1.5,1,2,3,2.00,0.5,1.50,0,0.00,3.50,USD,false", lines[1]);

        var aws = System.Text.Encoding.UTF8.GetString((await export.CreateAsync(October, "aws")).Content);
        Assert.Contains("'+Plus and -minus", aws);
        Assert.Contains("'\tTabbed", aws);
        Assert.DoesNotContain(",+Plus", aws);
    }
}
