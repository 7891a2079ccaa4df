using MeteringConsole.Common;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Billing;

public sealed class BillingPeriodTests
{
    [Fact]
    public void DefaultIsOneCalendarMonthFromTheFirstInUtc()
    {
        var settings = new BillingSettings(null, null);
        var period = settings.PeriodContaining(Utc(2026, 11, 21, 6));
        Assert.Equal(("2026-11-01", Utc(2026, 11, 1), Utc(2026, 12, 1)), (period.Name, period.StartUtc, period.EndUtc));
        Assert.Equal((20261101, 20261201), (period.FirstDay, period.EndDay));
        Assert.Equal("2026-10-01", settings.LastClosedPeriod(Utc(2026, 11, 21)).Name);
    }

    [Fact]
    public void TheEndInstantBelongsToTheNextPeriod()
    {
        var settings = new BillingSettings(null, null);
        Assert.Equal("2026-10-01", settings.PeriodContaining(Utc(2026, 11, 1).AddTicks(-1)).Name);
        Assert.Equal("2026-11-01", settings.PeriodContaining(Utc(2026, 11, 1)).Name);
    }

    [Fact]
    public void PeriodsFollowUnitLengthAndAnchor()
    {
        var fortnights = new BillingSettings(null, null, "week", "2", "2026-01-05");
        var p = fortnights.PeriodContaining(Utc(2026, 11, 21));
        Assert.Equal(("2026-11-09", "2026-11-23"), (p.Name, p.End.ToString("yyyy-MM-dd")));
        Assert.Equal("2026-10-26", fortnights.Previous(p).Name);
        // Before the anchor too.
        Assert.Equal("2025-12-22", fortnights.PeriodContaining(Utc(2025, 12, 30)).Name);

        var days = new BillingSettings(null, null, "day", "1", null);
        Assert.Equal(("2026-11-21", "2026-11-22"), (days.PeriodContaining(Utc(2026, 11, 21, 23, 59)).Name, days.PeriodContaining(Utc(2026, 11, 21)).End.ToString("yyyy-MM-dd")));

        var quarters = new BillingSettings(null, null, "month", "3", "2026-02-01");
        Assert.Equal(("2026-11-01", "2027-02-01"), (quarters.PeriodContaining(Utc(2026, 12, 31)).Name, quarters.PeriodContaining(Utc(2026, 12, 31)).End.ToString("yyyy-MM-dd")));

        var years = new BillingSettings(null, null, "YEAR", null, "2020-07-01");
        Assert.Equal("2026-07-01", years.PeriodContaining(Utc(2027, 6, 30)).Name);
    }

    [Fact]
    public void MonthsAnchoredOnThe31stClampToShortMonthsWithoutDrifting()
    {
        var settings = new BillingSettings(null, null, "month", "1", "2026-01-31");
        Assert.Equal(new[] { "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30" },
            Enumerable.Range(0, 4).Select(i => settings.PeriodAt(i).Name));
        Assert.Equal("2026-02-28", settings.PeriodContaining(Utc(2026, 3, 30)).Name);
    }

    [Fact]
    public void PeriodsAreCutAtLocalMidnightInTheBillingTimeZone()
    {
        var settings = new BillingSettings("Europe/Berlin", null);
        var october = settings.ParsePeriod("2026-10-01");
        // Summer time at the start, winter time at the end.
        Assert.Equal((Utc(2026, 9, 30, 22), Utc(2026, 10, 31, 23)), (october.StartUtc, october.EndUtc));
        Assert.Equal("2026-11-01", settings.PeriodContaining(Utc(2026, 10, 31, 23)).Name);
        Assert.Equal("2026-10-01", settings.PeriodContaining(Utc(2026, 10, 31, 22, 59)).Name);
        Assert.Equal(october, settings.PeriodStartingAtUtc(Utc(2026, 9, 30, 22)));
        Assert.Null(settings.PeriodStartingAtUtc(Utc(2026, 10, 1)));
    }

    [Theory]
    [InlineData("2026-10-02")]
    [InlineData("2026-13-01")]
    [InlineData("October")]
    [InlineData("")]
    [InlineData(null)]
    public void APeriodStartThatIsNoBoundaryIsAFieldError(string? text)
    {
        var settings = new BillingSettings(null, null);
        var e = Assert.Throws<ValidationException>(() => settings.ParsePeriod(text));
        Assert.Equal(new[] { "period_start" }, e.Errors.Keys);
    }

    [Theory]
    [InlineData("fortnight", null, null)]
    [InlineData("month", "0", null)]
    [InlineData("1", null, null)]
    [InlineData("month", "1", "01/10/2026")]
    public void BadCycleConfigurationStopsTheApp(string? unit, string? length, string? anchor)
        => Assert.Throws<InvalidOperationException>(() => new BillingSettings(null, null, unit, length, anchor));
}
