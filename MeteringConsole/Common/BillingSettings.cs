using System.Globalization;

namespace MeteringConsole.Common;

public enum CycleUnit { Day, Week, Month, Year }

/// <summary>
/// <c>Billing:TimeZone</c>, <c>Billing:Currency</c> and the billing cycle (<c>Billing:CycleUnit</c>,
/// <c>Billing:CycleLength</c>, <c>Billing:CycleAnchor</c>). Days (rollups, charts) and billing
/// periods are cut in the billing time zone; periods always start at a local midnight, so a
/// period is exactly the set of local days from its start to the day before its end.
/// </summary>
public sealed class BillingSettings
{
    /// <summary>A Monday and the first of a month and of a year: a sensible anchor for every unit.</summary>
    public static readonly DateOnly DefaultAnchor = new(2001, 1, 1);

    public TimeZoneInfo TimeZone { get; }
    public string Currency { get; }
    public CycleUnit CycleUnit { get; }
    public int CycleLength { get; }
    /// <summary>A local date on which a period starts; every other start is a whole number of cycles away.</summary>
    public DateOnly CycleAnchor { get; }

    public BillingSettings(string? timeZone, string? currency, string? cycleUnit = null, string? cycleLength = null, string? cycleAnchor = null)
    {
        var id = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz)
            ? tz
            : throw new InvalidOperationException($"Billing:TimeZone '{id}' is not a known time zone (use an IANA name such as Europe/Berlin).");
        Currency = string.IsNullOrWhiteSpace(currency) ? "USD" : currency.Trim().ToUpperInvariant();
        CycleUnit = string.IsNullOrWhiteSpace(cycleUnit) ? CycleUnit.Month
            : Enum.TryParse<CycleUnit>(cycleUnit.Trim(), ignoreCase: true, out var unit) && Enum.IsDefined(unit) && !char.IsDigit(cycleUnit.Trim()[0])
                ? unit
                : throw new InvalidOperationException($"Billing:CycleUnit '{cycleUnit}' must be day, week, month or year.");
        CycleLength = string.IsNullOrWhiteSpace(cycleLength) ? 1
            : int.TryParse(cycleLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length is >= 1 and <= 366
                ? length
                : throw new InvalidOperationException($"Billing:CycleLength '{cycleLength}' must be a whole number from 1 to 366.");
        CycleAnchor = string.IsNullOrWhiteSpace(cycleAnchor) ? DefaultAnchor
            : DateOnly.TryParseExact(cycleAnchor.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var anchor)
                ? anchor
                : throw new InvalidOperationException($"Billing:CycleAnchor '{cycleAnchor}' must be a date, YYYY-MM-DD.");
    }

    public static BillingSettings From(IConfiguration config) => new(config["Billing:TimeZone"], config["Billing:Currency"],
        config["Billing:CycleUnit"], config["Billing:CycleLength"], config["Billing:CycleAnchor"]);

    /// <summary>The calendar day (yyyymmdd) an instant falls on in the billing time zone.</summary>
    public int DayOf(DateTime utc)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TimeZone);
        return local.Year * 10000 + local.Month * 100 + local.Day;
    }

    public int DayOfUnixMs(long ms) => DayOf(DateTime.UnixEpoch.AddMilliseconds(ms));

    /// <summary>The UTC instant at which a local calendar day starts in the billing time zone.</summary>
    public DateTime StartOfDayUtc(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where a DST jump skips midnight, the day starts at the first instant that exists.
        while (TimeZone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return TimeZoneInfo.ConvertTimeToUtc(local, TimeZone);
    }

    public static DateOnly ToDate(int day) => new(day / 10000, day / 100 % 100, day % 100);
    public static int ToDay(DateOnly date) => date.Year * 10000 + date.Month * 100 + date.Day;

    // ---- Billing periods ------------------------------------------------------------------

    /// <summary>A cycle description for people: "1 month from 2001-01-01 (UTC)".</summary>
    public string CycleDescription
        => $"{CycleLength} {CycleUnit.ToString().ToLowerInvariant()}{(CycleLength == 1 ? "" : "s")} from {CycleAnchor:yyyy-MM-dd} ({TimeZone.Id})";

    /// <summary>The period an instant falls in.</summary>
    public Period PeriodContaining(DateTime utc) => PeriodAt(IndexOf(ToDate(DayOf(utc))));

    /// <summary>The period that ended most recently at or before the instant.</summary>
    public Period LastClosedPeriod(DateTime utc) => Previous(PeriodContaining(utc));

    public Period Next(Period period) => PeriodAt(period.Index + 1);

    public Period Previous(Period period) => PeriodAt(period.Index - 1);

    /// <summary>The period starting on this local date, or null when the date is not a period boundary.</summary>
    public Period? PeriodStartingOn(DateOnly start)
    {
        var index = IndexOf(start);
        return Boundary(index) == start ? PeriodAt(index) : null;
    }

    /// <summary>The period whose start is this UTC instant (as stored in billing tables), or null.</summary>
    public Period? PeriodStartingAtUtc(DateTime startUtc)
    {
        var period = PeriodContaining(startUtc);
        return period.StartUtc == DateTime.SpecifyKind(startUtc, DateTimeKind.Utc) ? period : null;
    }

    /// <summary>
    /// Parses a period name (its local start date, YYYY-MM-DD) as the API and pages pass it;
    /// a malformed date or a date that is not a period boundary is a field error.
    /// </summary>
    public Period ParsePeriod(string? name, string field = "period_start")
    {
        if (string.IsNullOrWhiteSpace(name)
            || !DateOnly.TryParseExact(name.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            throw new ValidationException(field, "Give the period by its start date, YYYY-MM-DD.");
        // Outside this range the calendar (or the period after it) runs out: a clear 400, never a 500.
        if (date < Domain.ValueLimits.EarliestDate || date > Domain.ValueLimits.LatestDate)
            throw new ValidationException(field,
                $"{field} must be a date from {Domain.ValueLimits.EarliestDate:yyyy-MM-dd} to {Domain.ValueLimits.LatestDate:yyyy-MM-dd}.");
        Period? period;
        try { period = PeriodStartingOn(date); }
        catch (ArgumentOutOfRangeException) { period = null; }
        if (period is not null) return period;
        string containing;
        try { containing = $"; the period containing it starts on {PeriodContainingDate(date).Name}"; }
        catch (ArgumentOutOfRangeException) { containing = ""; }
        throw new ValidationException(field, $"{date:yyyy-MM-dd} is not the start of a billing period (periods are {CycleDescription}){containing}.");
    }

    private Period PeriodContainingDate(DateOnly date) => PeriodAt(IndexOf(date));

    /// <summary>The period with this index: 0 starts at the anchor, negative ones before it.</summary>
    public Period PeriodAt(long index)
    {
        var start = Boundary(index);
        var end = Boundary(index + 1);
        return new Period(index, start, end, StartOfDayUtc(start), StartOfDayUtc(end));
    }

    private DateOnly Boundary(long index)
    {
        var steps = checked((int)(index * CycleLength));
        return CycleUnit switch
        {
            CycleUnit.Day => CycleAnchor.AddDays(steps),
            CycleUnit.Week => CycleAnchor.AddDays(checked(steps * 7)),
            // Always counted from the anchor, so an anchor on the 31st gives the 30th, then the 31st again.
            CycleUnit.Month => CycleAnchor.AddMonths(steps),
            _ => CycleAnchor.AddMonths(checked(steps * 12)),
        };
    }

    private long IndexOf(DateOnly date)
    {
        long index = CycleUnit switch
        {
            CycleUnit.Day => FloorDiv(date.DayNumber - CycleAnchor.DayNumber, CycleLength),
            CycleUnit.Week => FloorDiv(date.DayNumber - CycleAnchor.DayNumber, 7L * CycleLength),
            _ => FloorDiv((date.Year - CycleAnchor.Year) * 12L + date.Month - CycleAnchor.Month,
                (CycleUnit == CycleUnit.Year ? 12L : 1L) * CycleLength),
        };
        // Months differ in length: the estimate can be one off either way.
        while (Boundary(index) > date) index--;
        while (Boundary(index + 1) <= date) index++;
        return index;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// <summary>
/// One billing period: local dates [Start, End) in the billing time zone and the UTC instants of
/// those midnights. Named by its start date.
/// </summary>
public sealed record Period(long Index, DateOnly Start, DateOnly End, DateTime StartUtc, DateTime EndUtc)
{
    public string Name => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    /// <summary>First day (yyyymmdd) of the period, inclusive.</summary>
    public int FirstDay => BillingSettings.ToDay(Start);
    /// <summary>First day (yyyymmdd) after the period, exclusive.</summary>
    public int EndDay => BillingSettings.ToDay(End);
    public TimeSpan Length => EndUtc - StartUtc;
    /// <summary>The last day in the period, as people write a period's end.</summary>
    public DateOnly LastDay => End.AddDays(-1);

    public override string ToString() => Name;
}
