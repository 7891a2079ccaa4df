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
    /// </summary>
    public static BillingLine Line(decimal usage, decimal commit, decimal baseRate, decimal overageRate)
    {
        usage = Units(usage);
        var overageUnits = Math.Max(0, usage - commit);
        var bufferUnits = Math.Max(0, commit - usage);
        var committed = Cents(commit * baseRate);
        var overage = Cents(overageUnits * overageRate);
        return new BillingLine(usage, commit, baseRate, overageRate, committed, overageUnits, overage, bufferUnits,
            Cents(bufferUnits * baseRate), committed + overage);
    }

    public static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);

    public static decimal Units(decimal units) => decimal.Round(units, UnitDecimals, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Where usage is heading by the period's end: additive aggregations (sum, count) scale by
    /// period length over elapsed time, elapsed counting at least one day so a fresh period does not
    /// explode; levels (max, avg, last) are taken as they are now.
    /// </summary>
    public static decimal Project(Aggregation aggregation, decimal current, TimeSpan periodLength, TimeSpan elapsed)
    {
        if (aggregation is not (Aggregation.Sum or Aggregation.Count)) return Units(current);
        var effective = elapsed < TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : elapsed;
        if (effective >= periodLength) return Units(current);
        return Units(current * periodLength.Ticks / effective.Ticks);
    }

    /// <summary>Projected usage as a percentage of the commit, to two decimals; none when the commit is 0.</summary>
    public static decimal? PercentOfCommit(decimal usage, decimal commit)
        => commit == 0 ? null : decimal.Round(usage / commit * 100, 2, MidpointRounding.AwayFromZero);

    /// <summary>Lower-case aggregation name as the API and pages write it.</summary>
    public static string Name(Aggregation aggregation) => aggregation.ToString().ToLowerInvariant();
}
