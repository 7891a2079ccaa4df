using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Dashboard;
using MeteringConsole.Features.Projections;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Dashboard;

public sealed class DashboardServiceTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.CreateAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task EmptyDatabaseHasNoFiguresRatherThanZeros()
    {
        var overview = await _app.Service<DashboardService>(TestApp.Viewer).RevenueAsync();
        Assert.Empty(overview.History);
        Assert.Null(overview.ProjectedRevenue);
        Assert.Null(overview.RevenueChangePercent);
        Assert.Null(overview.AverageRevenuePerClient);
        Assert.Empty(overview.ClientStatus);
    }

    [Fact]
    public async Task RevenueHistoryChangeStatusAndNewOveragesComeFromBillingAndProjections()
    {
        var data = BillingFixture.For(_app);
        var vmware = await data.SourceAsync("vmware");
        var hours = await data.UnitTypeAsync("vcpu-hours");
        var growing = await data.ClientAsync("Growing");
        var steady = await data.ClientAsync("Steady");
        var a = await data.AssetAsync(vmware, "vm-g", growing);
        var b = await data.AssetAsync(vmware, "vm-s", steady);
        // Growing: 80 of 100 in September, 120 in October (over), heading to 300 in November.
        await data.BucketAsync(growing, vmware, hours, Aggregation.Sum, 100, 1m, 2m, new[] { a }, name: "Compute");
        await data.BucketAsync(steady, vmware, hours, Aggregation.Sum, 100, 1m, 2m, new[] { b }, name: "Compute");
        await data.ReadingsAsync(a, hours, (Utc(2026, 9, 5), 80), (Utc(2026, 10, 5), 120), (Utc(2026, 11, 2), 100));
        await data.ReadingsAsync(b, hours, (Utc(2026, 9, 5), 50), (Utc(2026, 10, 5), 50), (Utc(2026, 11, 2), 60));

        var runs = _app.Service<BillingRunService>(TestApp.Admin);
        await runs.RunAsync("2026-09-01");
        await runs.RunAsync("2026-10-01");
        await _app.Service<ProjectionService>(TestApp.Admin).RunAsync(asOf: Utc(2026, 11, 11));

        var overview = await _app.Service<DashboardService>(TestApp.Viewer).RevenueAsync();

        // September: 100 + 100 committed, no overage. October: 200 committed + 20 × 2 overage.
        Assert.Equal(new[] { ("2026-09-01", 200m, 0m), ("2026-10-01", 200m, 40m) },
            overview.History.Select(h => (h.Period, h.Committed, h.Overage)));
        Assert.Equal(20.0m, overview.RevenueChangePercent);
        Assert.Equal(120m, overview.AverageRevenuePerClient);
        Assert.Equal(new[] { new StatusCount("Over", 1), new StatusCount("Under", 1) }, overview.ClientStatus);
        Assert.Equal(240m, Assert.Single(overview.BySource).Amount);
        Assert.Equal("2026-11-01", overview.OpenPeriod);
        Assert.Equal("Growing", overview.TopClients[0].Client);
        // Steady was under in October and heads to 60 × 30 / 10 = 180 units: a new overage. Growing
        // heads over too but was already over in October, so it is not new.
        var newOverage = Assert.Single(overview.NewOverages);
        Assert.Equal(("Steady", 180m), (newOverage.Client, newOverage.PercentOfCommit));
    }
}
