using MeteringConsole.Common;
using MeteringConsole.Features.OverUnder;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.OverUnder;

/// <summary>Every Over/Under definition on the hand-computed worked example of <see cref="OverUnderFixture"/>.</summary>
public sealed class OverUnderServiceTests : IAsyncLifetime
{
    private const string October = "2026-10-01";
    private TestApp _app = null!;
    private OverUnderFixture _data = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _data = new OverUnderFixture(BillingFixture.For(_app), _app.Db, _app.Services.GetRequiredService<BillingSettings>());
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<OverUnderReport?> ReportAsync(OverUnderQuery query, Actor? actor = null)
        => _app.Service<OverUnderService>(actor ?? TestApp.Viewer).ReportAsync(query);

    private async Task<OverUnderReport> OctoberAsync(OverUnderFilter status = OverUnderFilter.All, string? unitType = null)
        => (await ReportAsync(new OverUnderQuery(October, status, unitType)))!;

    [Fact]
    public async Task ClientFiguresFollowTheDefinitions()
    {
        await _data.WorkedExampleAsync();

        var clients = (await OctoberAsync()).Clients.ToDictionary(c => c.Name);

        var acme = clients["Acme"];
        Assert.Equal((OverUnderStatus.Mixed, 340m, 250m, 90m, 30m), (acme.Status, acme.FinalCost, acme.CommittedCost, acme.OverageCost, acme.BufferCost));
        Assert.Equal(new[] { "ram-gb", "vcpu" }, acme.UnitTypes);
        // (130 × 2 + 20 × 1) / 250 × 100 − 100
        Assert.Equal(12m, acme.VsCommitPercent);
        Assert.Equal((OverUnderStatus.AtCommit, 0m), (clients["Beta"].Status, clients["Beta"].VsCommitPercent!.Value));
        // 70 × 0.5 / 100 × 100 − 100: they used 35 % of what they pay for.
        Assert.Equal((OverUnderStatus.Under, -65m), (clients["Cobalt"].Status, clients["Cobalt"].VsCommitPercent!.Value));
        Assert.Equal((OverUnderStatus.Over, (decimal?)null, 20m), (clients["Delta"].Status, clients["Delta"].VsCommitPercent, clients["Delta"].FinalCost));
    }

    [Fact]
    public async Task CountsCoverEveryStatusAndTheFilterListsOne()
    {
        await _data.WorkedExampleAsync();

        var all = await OctoberAsync();

        Assert.Equal(new OverUnderCounts(4, 1, 1, 1, 1), all.Counts);
        Assert.Equal(new[] { "Acme", "Beta", "Cobalt", "Delta" }, all.Clients.Select(c => c.Name));
        Assert.Equal(new[] { "Delta" }, (await OctoberAsync(OverUnderFilter.Over)).Clients.Select(c => c.Name));
        Assert.Equal(new[] { "Cobalt" }, (await OctoberAsync(OverUnderFilter.Under)).Clients.Select(c => c.Name));
        var mixed = await OctoberAsync(OverUnderFilter.Mixed);
        Assert.Equal(new[] { "Acme" }, mixed.Clients.Select(c => c.Name));
        Assert.Equal((1, 4), (mixed.ClientsTotal, mixed.Counts.All));
    }

    [Fact]
    public async Task RightSizeCandidatesAreTheClientsWithBufferLargestFirst()
    {
        await _data.WorkedExampleAsync();

        var report = await OctoberAsync();

        Assert.Equal(95m, report.TotalBufferCost);
        Assert.Collection(report.RightSizeCandidates,
            c =>
            {
                Assert.Equal(("Cobalt", 100m, 65m, 65m), (c.Name, c.CommittedCost, c.BufferCost, c.PercentUnused!.Value));
                Assert.Equal(130m, c.BufferUnits["ram-gb"]);
            },
            c =>
            {
                // 30 of Acme's 250 committed dollars are unused.
                Assert.Equal(("Acme", 250m, 30m, 12m), (c.Name, c.CommittedCost, c.BufferCost, c.PercentUnused!.Value));
                Assert.Equal(new[] { "ram-gb" }, c.BufferUnits.Keys);
            });
    }

    [Fact]
    public async Task ByUnitTypeGivesSignedDeltaUnitsAndTheMoneyEitherSide()
    {
        await _data.WorkedExampleAsync();

        var lenses = (await OctoberAsync()).ByUnitType;

        Assert.Equal(new[]
        {
            new UnitTypeLens("ram-gb", (20 - 50) + (70 - 200), 0, 95),
            new UnitTypeLens("vcpu", 30 + 0 + 5, 90 + 20, 0),
        }, lenses);
    }

    [Fact]
    public async Task AUnitTypeScopesEveryFigureToItsBuckets()
    {
        await _data.WorkedExampleAsync();

        var vcpu = await OctoberAsync(unitType: "vcpu");

        Assert.Equal(new OverUnderCounts(3, 2, 0, 0, 1), vcpu.Counts);
        var acme = vcpu.Clients.Single(c => c.Name == "Acme");
        // Only Acme's vcpu bucket: 130 × 2 / 200 × 100 − 100.
        Assert.Equal((OverUnderStatus.Over, 200m, 30m, 0m), (acme.Status, acme.CommittedCost, acme.VsCommitPercent!.Value, acme.BufferCost));
        Assert.Empty(vcpu.RightSizeCandidates);
        Assert.Equal(0m, vcpu.TotalBufferCost);
        Assert.Equal(new[] { "vcpu" }, vcpu.ByUnitType.Select(u => u.UnitType));
    }

    [Fact]
    public async Task TheTrendIsTheTwelveBilledPeriodsEndingWithTheChosenOneOldestFirst()
    {
        var settings = _app.Services.GetRequiredService<BillingSettings>();
        var period = settings.ParsePeriod(October);
        // Thirteen billed periods, October 2025 to October 2026; period i bills i units of overage.
        for (var i = 0; i < 13; i++)
            await _data.LineAsync(settings.PeriodAt(period.Index - 12 + i).Name, "Acme", "vcpu", 10 + i, 10, 1, 1);

        var october = (await OctoberAsync()).Trend;
        var september = (await ReportAsync(new OverUnderQuery("2026-09-01")))!.Trend;

        Assert.Equal(12, october.Count);
        Assert.Equal(("2025-11-01", 1m), (october[0].PeriodStart, october[0].OverageCost));
        Assert.Equal(("2026-10-01", 12m), (october[^1].PeriodStart, october[^1].OverageCost));
        Assert.Equal(("2025-10-01", "2026-09-01"), (september[0].PeriodStart, september[^1].PeriodStart));
    }

    [Fact]
    public async Task WithoutAPeriodTheLatestClosedBilledPeriodIsShown()
    {
        await _data.WorkedExampleAsync();
        // A reading in the open period (November, the clock says 21 November) is not a closed period.
        await _data.LineAsync("2026-11-01", "Acme", "vcpu", 1, 1, 1, 1);

        var report = await ReportAsync(new OverUnderQuery());
        var (periods, chosen) = await _app.Service<OverUnderService>(TestApp.Viewer).PeriodsAsync();

        Assert.Equal((October, "2026-10-31"), (report!.PeriodStart, report.PeriodEnd));
        Assert.Equal(new[] { "2026-11-01", October }, periods);
        Assert.Equal(October, chosen);
    }

    [Fact]
    public async Task NothingBilledIsNoReportAndBadFiltersNameTheirField()
    {
        Assert.Null(await ReportAsync(new OverUnderQuery()));
        await _data.WorkedExampleAsync();

        var notBilled = await Assert.ThrowsAsync<ValidationException>(() => ReportAsync(new OverUnderQuery("2026-09-01")));
        var unknownUnit = await Assert.ThrowsAsync<ValidationException>(() => ReportAsync(new OverUnderQuery(October, UnitType: "petabytes")));
        var notAPeriod = await Assert.ThrowsAsync<ValidationException>(() => ReportAsync(new OverUnderQuery("9999-12-01")));

        Assert.Equal("period_start", notBilled.Errors.Keys.Single());
        Assert.Equal("unit_type", unknownUnit.Errors.Keys.Single());
        Assert.Equal("period_start", notAPeriod.Errors.Keys.Single());
    }

    [Fact]
    public async Task AClientScopedKeySeesItsOwnClientOnly()
    {
        await _data.WorkedExampleAsync();
        var cobalt = _data.ClientId("Cobalt");
        var key = new Actor(ActorKind.ApiKey, "cobalt key", Roles.ReadOnly, ApiKeyId: 1, ClientScope: cobalt);

        var report = (await ReportAsync(new OverUnderQuery(October), key))!;

        Assert.Equal(new[] { cobalt }, report.Clients.Select(c => c.ClientId));
        Assert.Equal((1, 65m), (report.Counts.All, report.TotalBufferCost));
        Assert.All(report.Trend, t => Assert.Equal(0m, t.OverageCost));
    }

    [Fact]
    public async Task TheClientTableSortsAndPagesOnTheServer()
    {
        await _data.WorkedExampleAsync();

        var byCost = await ReportAsync(new OverUnderQuery(October, Skip: 1, Take: 2, OrderBy: "FinalCost desc"));

        // Final costs: Acme 340, Cobalt 100, Beta 50, Delta 20.
        Assert.Equal(new[] { "Cobalt", "Beta" }, byCost!.Clients.Select(c => c.Name));
        Assert.Equal(4, byCost.ClientsTotal);
    }

    [Fact]
    public async Task AFinalizedPeriodReadsAsBilledWhateverHappensToItsBucketsLater()
    {
        await _data.WorkedExampleAsync();
        await _app.Service<MeteringConsole.Features.Billing.BillingReadingService>(TestApp.Admin).FinalizeAsync(October);
        var before = await OctoberAsync(unitType: "ram-gb");

        // Acme's ram-gb bucket is moved to the vcpu unit type and renamed after the period was finalized.
        await using (var db = _app.Db())
        {
            var vcpu = db.UnitTypes.Single(u => u.Name == "vcpu").Id;
            var bucket = db.BillingBuckets.Single(b => b.Name == "Acme ram-gb");
            bucket.UnitTypeId = vcpu;
            bucket.Name = "Acme compute";
            await db.SaveChangesAsync();
        }
        var after = await OctoberAsync(unitType: "ram-gb");

        Assert.Equal(before.Counts, after.Counts);
        Assert.Equal(before.Clients, after.Clients, new RecordListComparer());
        Assert.Equal(95m, after.TotalBufferCost);
    }

    /// <summary>Client rows compared by value, unit type lists included.</summary>
    private sealed class RecordListComparer : IEqualityComparer<OverUnderClient>
    {
        public bool Equals(OverUnderClient? a, OverUnderClient? b)
            => a is not null && b is not null && a with { UnitTypes = [] } == b with { UnitTypes = [] } && a.UnitTypes.SequenceEqual(b.UnitTypes);

        public int GetHashCode(OverUnderClient c) => c.ClientId;
    }
}
