namespace MeteringConsole.Common;

/// <summary>
/// <c>Billing:TimeZone</c> and <c>Billing:Currency</c>. Days (rollups, charts) and billing
/// periods are cut in the billing time zone.
/// </summary>
public sealed class BillingSettings
{
    public TimeZoneInfo TimeZone { get; }
    public string Currency { get; }

    public BillingSettings(string? timeZone, string? currency)
    {
        var id = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        TimeZone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var tz)
            ? tz
            : throw new InvalidOperationException($"Billing:TimeZone '{id}' is not a known time zone (use an IANA name such as Europe/Berlin).");
        Currency = string.IsNullOrWhiteSpace(currency) ? "USD" : currency.Trim().ToUpperInvariant();
    }

    public static BillingSettings From(IConfiguration config) => new(config["Billing:TimeZone"], config["Billing:Currency"]);

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
}
