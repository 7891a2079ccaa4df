using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Billing;

/// <summary>
/// Which periods may be billed and finalized: only closed ones (the open period is projected,
/// never billed), and none before the earliest contract of any bucket. Runs and finalize share it.
/// </summary>
public static class BillingPeriodRules
{
    /// <summary>Parses the period and refuses it (400 naming period_start) when it is open, future or before every contract.</summary>
    /// <param name="action">What is refused, for the message: "billed", "finalized".</param>
    public static async Task<Period> RequireBillableAsync(AppDbContext db, BillingSettings settings, DateTime nowUtc, string? periodStart,
        string action)
    {
        var period = settings.ParsePeriod(periodStart);
        if (WhyNotBillable(period, settings, nowUtc, await EarliestContractAsync(db)) is { } reason)
            throw new ValidationException("period_start", $"Period {period.Name} cannot be {action}: {reason}");
        return period;
    }

    /// <summary>Why a period cannot be billed, or null when it can; for the services and for the pages' disabled buttons.</summary>
    /// <param name="earliestContract">The earliest starts_on of any bucket; null when there is no bucket.</param>
    public static string? WhyNotBillable(Period period, BillingSettings settings, DateTime nowUtc, DateOnly? earliestContract)
    {
        var open = settings.PeriodContaining(nowUtc);
        if (period.Index > open.Index) return "it has not started yet; only closed periods are billed.";
        if (period.Index == open.Index)
            return $"it is the open period (it ends after {period.LastDay:yyyy-MM-dd}); only closed periods are billed, the open one is projected.";
        if (earliestContract is not DateOnly earliest) return "no bucket has a contract yet.";
        if (period.End <= earliest)
            return $"it ends before the earliest contract, which starts on {earliest:yyyy-MM-dd}.";
        return null;
    }

    /// <summary>The earliest contract start of any bucket, or null when there is none.</summary>
    public static async Task<DateOnly?> EarliestContractAsync(AppDbContext db)
        => await db.BillingBuckets.AsNoTracking().OrderBy(b => b.StartsOn).Select(b => (DateOnly?)b.StartsOn).FirstOrDefaultAsync();
}
