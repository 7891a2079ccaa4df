using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;

namespace MeteringConsole.Tests.Features.Billing;

public sealed class BillingMathTests
{
    [Fact]
    public void OverCommitPaysCommitPlusOverage()
    {
        var line = BillingMath.Line(usage: 120, commit: 100, baseRate: 2, overageRate: 3);
        Assert.Equal((200m, 20m, 60m, 0m, 0m, 260m), (line.CommittedCost, line.OverageUnits, line.OverageCost, line.BufferUnits, line.BufferCost, line.FinalCost));
        Assert.True(line.OverCommit);
    }

    [Fact]
    public void UnderCommitPaysTheCommitAndShowsTheBuffer()
    {
        var line = BillingMath.Line(usage: 70, commit: 100, baseRate: 2, overageRate: 3);
        Assert.Equal((200m, 0m, 0m, 30m, 60m, 200m), (line.CommittedCost, line.OverageUnits, line.OverageCost, line.BufferUnits, line.BufferCost, line.FinalCost));
        Assert.True(line.UnderCommit);
    }

    [Fact]
    public void ExactlyAtCommitIsNeitherOverNorUnder()
    {
        var line = BillingMath.Line(usage: 100, commit: 100, baseRate: 2, overageRate: 3);
        Assert.Equal((0m, 0m, 0m, 0m, 200m), (line.OverageUnits, line.OverageCost, line.BufferUnits, line.BufferCost, line.FinalCost));
        Assert.False(line.OverCommit || line.UnderCommit);
    }

    [Fact]
    public void EachAmountIsRoundedHalfAwayFromZeroToCents()
    {
        // 0.125 and 0.005 are exact midpoints: banker's rounding would give 0.12 and 0.00.
        var line = BillingMath.Line(usage: 1, commit: 0, baseRate: 0, overageRate: 0.125m);
        Assert.Equal(0.13m, line.OverageCost);
        Assert.Equal(0.01m, BillingMath.Line(usage: 1, commit: 0, baseRate: 0, overageRate: 0.005m).FinalCost);
        // Committed 3 × 0.335 = 1.005 → 1.01; buffer 1 × 0.335 = 0.335 → 0.34.
        var under = BillingMath.Line(usage: 2, commit: 3, baseRate: 0.335m, overageRate: 1);
        Assert.Equal((1.01m, 0.34m, 1.01m), (under.CommittedCost, under.BufferCost, under.FinalCost));
        // Final = rounded committed + rounded overage, not the rounding of their exact sum.
        var both = BillingMath.Line(usage: 2, commit: 1, baseRate: 0.005m, overageRate: 0.005m);
        Assert.Equal(0.02m, both.FinalCost);
    }

    [Fact]
    public void UsageIsKeptToMillionths()
        => Assert.Equal(1.000001m, BillingMath.Line(usage: 1.0000005m, commit: 0, baseRate: 0, overageRate: 0).TotalUsage);

    [Theory]
    [InlineData(Aggregation.Sum, 100, 30, 10, 300)]
    [InlineData(Aggregation.Count, 100, 30, 10, 300)]
    [InlineData(Aggregation.Max, 100, 30, 10, 100)]
    [InlineData(Aggregation.Avg, 100, 30, 10, 100)]
    [InlineData(Aggregation.Last, 100, 30, 10, 100)]
    public void ProjectionScalesAdditiveAggregationsAndKeepsLevels(Aggregation aggregation, double current, double lengthDays, double elapsedDays, double expected)
        => Assert.Equal((decimal)expected, BillingMath.Project(aggregation, (decimal)current, TimeSpan.FromDays(lengthDays), TimeSpan.FromDays(elapsedDays)));

    [Fact]
    public void ElapsedCountsAtLeastOneDay()
        => Assert.Equal(3000m, BillingMath.Project(Aggregation.Sum, 100, TimeSpan.FromDays(30), TimeSpan.FromHours(2)));

    [Fact]
    public void PercentOfCommitIsNoneWhenTheCommitIsZero()
    {
        Assert.Null(BillingMath.PercentOfCommit(50, 0));
        Assert.Equal(33.33m, BillingMath.PercentOfCommit(1, 3));
    }
}
