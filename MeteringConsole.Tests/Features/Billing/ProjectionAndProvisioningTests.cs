using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Projections;
using MeteringConsole.Features.Provisioning;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Billing;

public sealed class ProjectionAndProvisioningTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private BillingFixture _data = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _data = BillingFixture.For(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ProjectionsScaleSumsToThePeriodAndStoreOneRowPerBucket()
    {
        var settings = _app.Services.GetRequiredService<BillingSettings>();
        var period = settings.PeriodContaining(TestClock.Now.UtcDateTime);
        var (client, source) = (await _data.ClientAsync("Projected"), await _data.SourceAsync("vmware"));
        var (hours, seats) = (await _data.UnitTypeAsync("hours"), await _data.UnitTypeAsync("seats", Aggregation.Last));
        var a = await _data.AssetAsync(source, "vm-p", client);
        await _data.ReadingsAsync(a, hours, (period.StartUtc.AddHours(1), 10));
        await _data.ReadingsAsync(a, seats, (period.StartUtc.AddHours(1), 40));
        var sum = await _data.BucketAsync(client, source, hours, Aggregation.Sum, commit: 0, baseRate: 1, overageRate: 2, new[] { a });
        var last = await _data.BucketAsync(client, source, seats, Aggregation.Last, commit: 50, baseRate: 1, overageRate: 2, new[] { a });

        var summary = await _app.Service<ProjectionService>(TestApp.Operator).RunAsync();
        await _app.Service<ProjectionService>(TestApp.Operator).RunAsync();

        Assert.Contains("2 buckets projected", summary);
        var rows = (await _app.Service<ProjectionService>(TestApp.Viewer).ForClientAsync(client)).ToDictionary(r => r.BucketId);
        Assert.Equal(2, rows.Count);
        var elapsed = Math.Max((TestClock.Now.UtcDateTime - period.StartUtc).TotalDays, 1);
        var expected = 10 * period.Length.TotalDays / elapsed;
        Assert.InRange((double)rows[sum].ProjectedUsage, expected * 0.999, expected * 1.001);
        Assert.Null(rows[sum].PercentOfCommit);
        Assert.Equal(BillingMath.Line(rows[sum].ProjectedUsage, 0, 1, 2).FinalCost, rows[sum].ProjectedCost);
        Assert.Equal((40m, 40m, 80m, 50m), (rows[last].CurrentUsage, rows[last].ProjectedUsage, rows[last].PercentOfCommit, rows[last].ProjectedCost));
    }

    [Fact]
    public async Task AutoProvisioningCreatesUnreviewedBucketsFromTheTemplateAndBindsNewAssets()
    {
        var (acme, globex) = (await _data.ClientAsync("Acme"), await _data.ClientAsync("Globex"));
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("vcpu-hours", Aggregation.Max, autoProvision: true, baseRate: 0.5m, overageRate: 0.75m, filterPattern: "vm-*");
        var other = await _data.UnitTypeAsync("manual", autoProvision: false);
        var day = TestClock.Now.UtcDateTime.Date;
        var matching = await _data.AssetAsync(source, "vm-1", acme);
        var byName = await _data.AssetAsync(source, "42", acme, name: "VM-by-name");
        var notMatching = await _data.AssetAsync(source, "db-1", acme);
        var silent = await _data.AssetAsync(source, "vm-silent", acme);
        var disregarded = await _data.AssetAsync(source, "vm-x", acme, disregarded: true);
        var unassigned = await _data.AssetAsync(source, "vm-free", null);
        var manualOwned = await _data.AssetAsync(source, "vm-g", globex);
        foreach (var asset in new[] { matching, byName, notMatching, disregarded, unassigned, manualOwned })
            await _data.ReadingsAsync(asset, unit, (day, 1));
        await _data.ReadingsAsync(silent, other, (day, 1));
        // Globex already has a bucket a person made for this unit type: left alone.
        await _data.BucketAsync(globex, source, unit, Aggregation.Max, 5, 1, 1, Array.Empty<int>(), name: "Negotiated");

        var first = await _app.Service<AutoProvisioner>(Actor.System("auto-provisioning")).RunAsync();

        Assert.Equal((1, 2), (first.BucketsCreated, first.AssetsBound));
        await using (var db = _app.Db())
        {
            var bucket = await db.BillingBuckets.Include(b => b.Assets).SingleAsync(b => b.AutoProvisioned);
            Assert.Equal((acme, "vmware vcpu-hours", false, 0m, 0.5m, 0.75m, Aggregation.Max), (bucket.ClientId, bucket.Name, bucket.Reviewed, bucket.Commit, bucket.BaseRate, bucket.OverageRate, bucket.Aggregation));
            Assert.Equal(new[] { matching, byName }.Order(), bucket.Assets.Select(x => x.AssetId).Order());
            Assert.Empty(db.BucketAssets.Where(b => b.AssetId == manualOwned));
            var audited = await db.AuditEntries.Where(e => e.Actor == "system:auto-provisioning").Select(e => e.Table).ToListAsync();
            Assert.Equal(new[] { "billing_buckets", "bucket_assets", "bucket_assets" }, audited.Order());
        }

        var newcomer = await _data.AssetAsync(source, "vm-2", acme);
        await _data.ReadingsAsync(newcomer, unit, (day, 1));
        var second = await _app.Service<AutoProvisioner>(Actor.System("auto-provisioning")).RunAsync();

        Assert.Equal((0, 1), (second.BucketsCreated, second.AssetsBound));
        await using var check = _app.Db();
        Assert.Equal(3, await check.BucketAssets.CountAsync(b => b.Bucket!.AutoProvisioned));
    }
}
