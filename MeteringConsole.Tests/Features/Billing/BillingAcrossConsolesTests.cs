using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>
/// Two consoles on one database (two hosts, each with its own services and in-process locks, as two
/// processes would have) billing the same period at the same time: the database's own locking
/// decides, so a period is billed by one run at a time and its lines are stored once.
/// </summary>
public sealed class BillingAcrossConsolesTests : IAsyncLifetime
{
    private const string October = "2026-10-01";
    private const int Buckets = 120;
    private TestApp _one = null!;
    private TestApp _two = null!;
    private List<int> _buckets = null!;

    public async Task InitializeAsync()
    {
        _one = await TestApp.CreateAsync();
        _two = await _one.SiblingAsync();
        var data = BillingFixture.For(_one);
        var (client, source, unit) = (await data.ClientAsync("Twice Ltd"), await data.SourceAsync("vmware"), await data.UnitTypeAsync("hours"));
        _buckets = new List<int>();
        // Enough lines that one run's replace of the period takes a while, so unguarded runs would overlap.
        for (var i = 0; i < Buckets; i++)
        {
            var asset = await data.AssetAsync(source, $"vm-{i}", client);
            if (i % 10 == 0) await data.ReadingsAsync(asset, unit, (Utc(2026, 10, 5), i + 1));
            _buckets.Add(await data.BucketAsync(client, source, unit, Aggregation.Sum, commit: 5, baseRate: 1, overageRate: 2, new[] { asset }));
        }
    }

    public async Task DisposeAsync()
    {
        await _two.DisposeAsync();
        await _one.DisposeAsync();
    }

    [Fact]
    public async Task OneQueuedRunExecutedByBothConsolesIsBilledByOneAndRefusedToTheOther()
    {
        var run = await QueueAsync();

        var attempts = await Task.WhenAll(new[] { _one, _two }.Select(async app =>
        {
            try { return (Outcome: await app.Services.GetRequiredService<BillingEngine>().ExecuteAsync(run), Refused: false); }
            catch (BillingRunTakenException) { return (Outcome: (BillingRunOutcome?)null, Refused: true); }
        }));

        Assert.Equal(1, attempts.Count(a => a.Outcome is not null));
        Assert.Equal(1, attempts.Count(a => a.Refused));
        Assert.Equal(Buckets, Assert.Single(attempts, a => a.Outcome is not null).Outcome!.Buckets);
        await AssertBilledOnceAsync();
    }

    [Fact]
    public async Task TwoRunsOfOnePeriodQueuedInBothConsolesRunOneAfterTheOtherAndStoreEachLineOnce()
    {
        var (first, second) = (await QueueAsync(), await QueueAsync());

        var outcomes = await Task.WhenAll(
            _one.Services.GetRequiredService<BillingEngine>().ExecuteAsync(first),
            _two.Services.GetRequiredService<BillingEngine>().ExecuteAsync(second));

        Assert.All(outcomes, o => Assert.Equal(Buckets, o.Buckets));
        await AssertBilledOnceAsync();
    }

    [Fact]
    public async Task CallersInBothConsolesAskingForThePeriodTogetherAllGetASucceededRun()
    {
        var asked = await Task.WhenAll(Enumerable.Range(0, 6)
            .Select(i => (i % 2 == 0 ? _one : _two).Service<BillingRunService>(TestApp.Operator).RunAsync(October)));

        Assert.All(asked, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        await AssertBilledOnceAsync();
    }

    private async Task<int> QueueAsync()
    {
        var period = _one.Services.GetRequiredService<BillingSettings>().ParsePeriod(October);
        await using var db = _one.Db();
        var run = new BillingRun
        {
            PeriodStart = period.StartUtc, PeriodEnd = period.EndUtc, Status = RunStatus.Queued, StartedBy = "test", QueuedAt = TestClock.Now.UtcDateTime,
        };
        db.BillingRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    /// <summary>Every run succeeded or was refused before it started (none failed half-way), and the period holds each bucket's line once, from one run, priced right.</summary>
    private async Task AssertBilledOnceAsync()
    {
        var period = _one.Services.GetRequiredService<BillingSettings>().ParsePeriod(October);
        await using var db = _one.Db();
        var runs = await db.BillingRuns.AsNoTracking().ToListAsync();
        Assert.All(runs, r => Assert.True(r.Status == RunStatus.Succeeded, $"run {r.Id} is {r.Status}: {r.Error}"));
        var lines = await db.BillingReadings.AsNoTracking().Where(r => r.PeriodStart == period.StartUtc).ToListAsync();
        Assert.Equal(_buckets.Order(), lines.Select(l => l.BucketId).Order());
        Assert.Single(lines.Select(l => l.BillingRunId).Distinct());
        // Asset 0 used 1 hour of a 5-hour commit at 1: 5.00; asset 110 used 111 hours: 5 + 106 × 2 = 217.00.
        Assert.Equal(5.00m, lines.Single(l => l.BucketId == _buckets[0]).FinalCost);
        Assert.Equal(217.00m, lines.Single(l => l.BucketId == _buckets[110]).FinalCost);
    }
}
