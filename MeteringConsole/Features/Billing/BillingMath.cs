using MeteringConsole.Domain;

namespace MeteringConsole.Features.Billing;

/// <summary>One bucket's money for one period, every amount already rounded to cents.</summary>
public sealed record BillingLine(decimal TotalUsage, decimal Commit, decimal BaseRate, decimal OverageRate, decimal CommittedCost,
    decimal OverageUnits, decimal OverageCost, decimal BufferUnits, decimal BufferCost, decimal FinalCost)
{
    public bool OverCommit => TotalUsage > Commit;
    public bool UnderCommit => TotalUsage < Commit;
}

/// <summary>The money rules of PRODUCT.md, in one place so billing, projections and cards agree to the cent.</summary>
public static class BillingMath
{
    /// <summary>Usage, units and rates are kept to millionths, as they are stored.</summary>
    public const int UnitDecimals = 6;

    /// <summary>
    /// Committed = commit × base rate; overage units = max(0, usage − commit), billed at the overage
    /// rate; buffer units = max(0, commit − usage), valued at the base rate (paid for, unused).
    /// Each amount is rounded half away from zero to cents; the final cost is the sum of rounded amounts.
    /// Usage counts up to <see cref="ValueLimits.MaxBucketUsage"/> and each amount up to
    /// <see cref="ValueLimits.MaxLineAmount"/>, so a line always fits the millionths columns.
    /// </summary>
    public static BillingLine Line(decimal usage, decimal commit, decimal baseRate, decimal overageRate)
    {
        usage = Units(Math.Min(usage, ValueLimits.MaxBucketUsage));
        var overageUnits = Math.Max(0, usage - commit);
        var bufferUnits = Math.Max(0, commit - usage);
        var committed = Amount(commit * baseRate);
        var overage = Amount(overageUnits * overageRate);
        return new BillingLine(usage, commit, baseRate, overageRate, committed, overageUnits, overage, bufferUnits,
            Amount(bufferUnits * baseRate), committed + overage);
    }

    public static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    /// <summary>An amount of a line in cents, at most <see cref="ValueLimits.MaxLineAmount"/>.</summary>
    private static decimal Amount(decimal amount) => Math.Min(Cents(amount), ValueLimits.MaxLineAmount);

    public static decimal Units(decimal units) => decimal.Round(units, UnitDecimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Where usage is heading by the period's end: additive aggregations (sum, count) scale by
    /// period length over elapsed time, elapsed counting at least one day so a fresh period does not
    /// explode; levels (max, avg, last) are taken as they are now.
    /// </summary>
    public static decimal Project(Aggregation aggregation, decimal current, TimeSpan periodLength, TimeSpan elapsed)
    {
        current = Math.Min(current, ValueLimits.MaxBucketUsage);
        if (aggregation is not (Aggregation.Sum or Aggregation.Count)) return Units(current);
        var effective = elapsed < TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : elapsed;
        if (effective >= periodLength) return Units(current);
        // The ratio first: usage × ticks of a long cycle could pass decimal's range.
        return Units(Math.Min(current * ((decimal)periodLength.Ticks / effective.Ticks), ValueLimits.MaxBucketUsage));
    }

    /// <summary>
    /// Projected usage as a percentage of the commit, to two decimals, at most
    /// <see cref="ValueLimits.MaxPercentOfCommit"/>; none when the commit is 0.
    /// </summary>
    public static decimal? PercentOfCommit(decimal usage, decimal commit)
        => commit == 0 ? null
            : usage / ValueLimits.MaxPercentOfCommit * 100 >= commit ? ValueLimits.MaxPercentOfCommit
            : decimal.Round(usage / commit * 100, 2, MidpointRounding.AwayFromZero);

    /// <summary>Lower-case aggregation name as the API and pages write it.</summary>
    public static string Name(Aggregation aggregation) => aggregation.ToString().ToLowerInvariant();
}
