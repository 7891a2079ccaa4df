using MeteringConsole.Common;
using MeteringConsole.Features.Billing;
using System.Data.Common;

namespace MeteringConsole.Features.Projections;

/// <summary>Where one bucket is heading in the open period.</summary>
public sealed record BucketProjection(BucketUsage Bucket, Period Period, decimal ProjectedUsage, BillingLine ProjectedLine,
    decimal? PercentOfCommit)
{
    public decimal CurrentUsage => Bucket.Usage;
    public decimal ProjectedCost => ProjectedLine.FinalCost;
    /// <summary>Heading past the commit by the period's end.</summary>
    public bool OverCommit => ProjectedUsage > Bucket.Commit;
}

/// <summary>
/// Projects the open period from its usage so far (the same rollup aggregation billing uses):
/// sum and count scale by period length over elapsed time, levels stay as they are.
/// </summary>
public static class ProjectionCalculator
{
    public static async Task<List<BucketProjection>> ComputeAsync(DbConnection connection, BillingSettings settings, DateTime nowUtc,
        bool enabledOnly, int? clientId = null, CancellationToken ct = default)
    {
        var period = settings.PeriodContaining(nowUtc);
        var usage = await UsageAggregator.AggregateAsync(connection, null, period.FirstDay, period.EndDay, enabledOnly, clientId, ct);
        var elapsed = nowUtc - period.StartUtc;
        return usage.Select(u =>
        {
            var projected = BillingMath.Project(u.Aggregation, u.Usage, period.Length, elapsed);
            return new BucketProjection(u, period, projected, BillingMath.Line(projected, u.Commit, u.BaseRate, u.OverageRate),
                BillingMath.PercentOfCommit(projected, u.Commit));
        }).ToList();
    }
}
