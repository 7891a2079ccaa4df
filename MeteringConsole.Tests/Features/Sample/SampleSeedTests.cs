using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Sample;
using static MeteringConsole.Tests.Features.Sample.GeneratedSamples;

namespace MeteringConsole.Tests.Features.Sample;

/// <summary>
/// A fresh clone started on any day shows a live picture: readings up to today, every closed period
/// billed and all but the latest finalized, the open period projected with usage, the demo users signing in.
/// </summary>
public sealed class SampleSeedTests : IClassFixture<SeededSamples>
{
    /// <summary>The app's default cycle, which the sample is billed in: calendar months in UTC.</summary>
    private static readonly BillingSettings Months = new("UTC", "USD");

    private readonly SeededSamples _seeded;

    public SampleSeedTests(SeededSamples seeded) => _seeded = seeded;

    [Theory]
    [InlineData(SeededSamples.MonthsLater)]
    [InlineData(SeededSamples.DaysLater)]
    public void ReadingsRunUpToToday(string now)
    {
        using var db = Open(_seeded.Database(now));
        var today = SeededSamples.Clock(now);
        var last = SampleWindow.FromMs(Scalar(db, "SELECT MAX(timestamp_ms) FROM usage_readings"));
        Assert.Equal(today.UtcDateTime.Date, last.Date);
        Assert.InRange(last, today.UtcDateTime.AddHours(-1), today.UtcDateTime);
        Assert.True(Scalar(db, "SELECT MAX(ingested_at_ms) FROM usage_readings") <= today.ToUnixTimeMilliseconds(), "nothing ingested in the future");
        Assert.Equal(BillingSettings.ToDay(DateOnly.FromDateTime(today.UtcDateTime)), Scalar(db, "SELECT MAX(day) FROM usage_daily_rollups"));
        // Still the sample's 90 days, now ending today.
        Assert.InRange(SampleWindow.FromMs(Scalar(db, "SELECT MIN(timestamp_ms) FROM usage_readings")),
            today.UtcDateTime.AddDays(-SampleWindow.Days - 1), today.UtcDateTime.AddDays(-SampleWindow.Days + 1));
    }

    [Theory]
    [InlineData(SeededSamples.MonthsLater)]
    [InlineData(SeededSamples.DaysLater)]
    public void EveryClosedPeriodIsBilledAndAllButTheLatestFinalized(string now)
    {
        using var db = Open(_seeded.Database(now));
        var closed = ClosedPeriodsWithReadings(db, SeededSamples.Clock(now));
        Assert.InRange(closed.Count, 3, 4);
        var buckets = Scalar(db, "SELECT COUNT(*) FROM billing_buckets WHERE enabled = 1");
        foreach (var period in closed)
            Assert.Equal(buckets, Scalar(db, $"SELECT COUNT(*) FROM billing_readings WHERE period_start = '{SqlValues.InstantText(period.StartUtc)}'"));
        Assert.Equal(closed.Count * buckets, Scalar(db, "SELECT COUNT(*) FROM billing_readings"));

        Assert.Equal(closed.SkipLast(1).Select(p => SqlValues.InstantText(p.StartUtc)),
            Rows(db, "SELECT period_start FROM billing_periods WHERE finalized_at IS NOT NULL ORDER BY period_start"));
        Assert.Equal(new[] { $"{SqlValues.InstantText(closed[^1].StartUtc)}|0" },
            Rows(db, "SELECT DISTINCT period_start, finalized FROM billing_readings WHERE finalized = 0"));
        Assert.Equal(0, Scalar(db, "SELECT COUNT(*) FROM billing_runs WHERE status <> 'Succeeded'"));
    }

    [Theory]
    [InlineData(SeededSamples.MonthsLater)]
    [InlineData(SeededSamples.DaysLater)]
    public void TheOpenPeriodIsProjectedWithUsage(string now)
    {
        using var db = Open(_seeded.Database(now));
        var today = SeededSamples.Clock(now).UtcDateTime;
        var open = Months.PeriodContaining(today);
        var projections = $"FROM projections WHERE period_start = '{SqlValues.InstantText(open.StartUtc)}'";
        Assert.Equal(Scalar(db, "SELECT COUNT(*) FROM billing_buckets WHERE enabled = 1"), Scalar(db, $"SELECT COUNT(*) {projections}"));
        Assert.Equal(Scalar(db, "SELECT COUNT(*) FROM projections"), Scalar(db, $"SELECT COUNT(*) {projections}"));
        Assert.Equal(new[] { SqlValues.InstantText(SampleSeed.AnchorFor(SeededSamples.Clock(now))) }, Rows(db, $"SELECT DISTINCT calculated_at {projections}"));
        Assert.True(Scalar(db, $"SELECT COUNT(*) {projections} AND current_usage > 0") * 10 > Scalar(db, $"SELECT COUNT(*) {projections}") * 9,
            "nearly every bucket has usage in the open period");
        Assert.True(Scalar(db, $"SELECT SUM(projected_cost) {projections}") > 0);
    }

    [Theory]
    [InlineData(SeededSamples.MonthsLater)]
    [InlineData(SeededSamples.DaysLater)]
    public void ClientsAreStillOverUnderAndMixed(string now)
    {
        using var db = Open(_seeded.Database(now));
        var statuses = LastMonthStatus.ByClient(db, SeededSamples.Clock(now).UtcDateTime).Values.ToList();
        foreach (var status in new[] { "Over", "Under", "Mixed" })
            Assert.True(statuses.Count(s => s == status) >= 3, $"at least three {status} clients last month: {string.Join(", ", statuses)}");
    }

    [Theory]
    [InlineData(SeededSamples.MonthsLater)]
    [InlineData(SeededSamples.DaysLater)]
    public void DemoUsersStillSignIn(string now)
    {
        using var db = Open(_seeded.Database(now));
        DemoUsers.AssertSignIn(db);
    }

    [Fact]
    public void OnTheSamplesOwnDayTheSampleIsCopiedAsItIs()
        => Assert.Equal(_seeded.SampleHashBefore, _seeded.SeededHash(SeededSamples.SameDay));

    [Fact]
    public void TheCommittedSampleIsNeverWritten()
    {
        Assert.Equal(_seeded.SampleHashBefore, _seeded.SampleHashAfter);
        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
            Assert.False(File.Exists(SeededSamples.CommittedSample + suffix), $"nothing opened the sample for writing ({suffix})");
    }

    [Theory]
    [InlineData("2026-12-01T00:40:59Z", "2026-12-01T00:40:00Z")]
    [InlineData("2027-03-10T09:59:59.999+02:00", "2027-03-10T07:59:00Z")]
    public void ASampleIsRegeneratedAsOfTheCurrentMinute(string now, string anchor)
        => Assert.Equal(SeededSamples.Clock(anchor).UtcDateTime, SampleSeed.AnchorFor(SeededSamples.Clock(now)));

    /// <summary>From the period of the first reading to the last one closed before now.</summary>
    private static List<Period> ClosedPeriodsWithReadings(Microsoft.Data.Sqlite.SqliteConnection db, DateTimeOffset now)
    {
        var periods = new List<Period> { Months.LastClosedPeriod(now.UtcDateTime) };
        var first = SampleWindow.FromMs(Scalar(db, "SELECT MIN(timestamp_ms) FROM usage_readings"));
        while (periods[0].StartUtc > first) periods.Insert(0, Months.Previous(periods[0]));
        return periods;
    }
}
