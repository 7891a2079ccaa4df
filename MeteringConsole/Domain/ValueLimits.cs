namespace MeteringConsole.Domain;

/// <summary>
/// The largest values the console carries. Usage, units and money are stored as whole millionths
/// in a 64-bit integer (at most about 9.2 × 10¹² units or currency units), so every figure billing,
/// projections and the pages compute is kept below that by these limits: a reading above
/// <see cref="MaxReadingValue"/> is refused at ingest, a bucket's usage in a period is counted up
/// to <see cref="MaxBucketUsage"/>, and each amount of a bucket line up to <see cref="MaxLineAmount"/>.
/// Rollups and charts work in double, which these values cannot overflow.
/// </summary>
public static class ValueLimits
{
    /// <summary>The largest value one usage reading may carry (one billion units); larger ones are refused at ingest.</summary>
    public const double MaxReadingValue = 1_000_000_000d;

    /// <summary>
    /// The largest usage a bucket carries in one period (one trillion units, the largest commit too):
    /// usage beyond it (only possible from a great many readings at the limit) is billed and projected as this.
    /// </summary>
    public const decimal MaxBucketUsage = 1_000_000_000_000m;

    /// <summary>
    /// The largest committed, overage or buffer amount of one bucket line (one billion in the currency).
    /// Committed cost (commit × base rate) above it is refused when the bucket is saved; overage
    /// beyond it is billed as this. A line's final cost is then at most twice this, and a period
    /// total stays exact in the millionths column up to about 4,600 lines at the limit.
    /// </summary>
    public const decimal MaxLineAmount = 1_000_000_000m;

    /// <summary>Percent of commit is shown up to this (a tiny commit with a large usage would otherwise overflow).</summary>
    public const decimal MaxPercentOfCommit = 1_000_000_000m;

    /// <summary>Billing periods (and contract dates) are named from this date on: nothing older can have been metered here.</summary>
    public static readonly DateOnly EarliestDate = new(2000, 1, 1);

    /// <summary>The last date a billing period or contract date may name; the calendar ends soon after 9999.</summary>
    public static readonly DateOnly LatestDate = new(9000, 12, 31);
}
