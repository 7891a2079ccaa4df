using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// What a fresh clone starts on. The committed sample is a picture of one day, its anchor: started on
/// a later day it would show an open period without usage or projections and closed periods nobody
/// billed. So unless the sample is as of today, the same deterministic sample is generated again as
/// of the current minute, straight into the new database. The committed file is only ever read.
/// </summary>
internal static class SampleSeed
{
    /// <summary>
    /// The anchor a sample is regenerated as of: the current minute (UTC), so readings run up to a few
    /// minutes ago. A midnight would leave the open period empty all through its first day.
    /// </summary>
    public static DateTime AnchorFor(DateTimeOffset now)
    {
        var utc = now.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc);
    }

    /// <summary>A sample anchored earlier today (and not in the future) still shows today's picture.</summary>
    public static bool IsCurrent(DateTime sampleAnchor, DateTimeOffset now)
        => sampleAnchor <= now.UtcDateTime && sampleAnchor.Date == now.UtcDateTime.Date;

    /// <summary>
    /// The instant a sample file was generated as of: its projections are all calculated as of the
    /// anchor (<see cref="SampleBilling"/>). Null when it has none. Opened read-only, so the file is not touched.
    /// </summary>
    public static DateTime? AnchorOf(string sample)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = sample, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT MAX(calculated_at) FROM projections";
        return command.ExecuteScalar() is string text
            ? DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;
    }

    /// <summary>Creates <paramref name="target"/> (which must not exist) from the committed sample, brought up to the clock's today.</summary>
    public static async Task SeedAsync(string sample, string target, TimeProvider clock, ILogger log, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var sampleAnchor = AnchorOf(sample);
        if (sampleAnchor is { } current && IsCurrent(current, now))
        {
            File.Copy(sample, target);
            log.LogInformation("No database at {Target}: started from a copy of {Sample}", target, sample);
            return;
        }

        var anchor = AnchorFor(now);
        log.LogInformation("No database at {Target}, and {Sample} is as of {SampleAnchor:yyyy-MM-dd}: generating the same sample as of "
            + "{Anchor:yyyy-MM-dd HH:mm} UTC into it instead, so today has usage and the periods closed since are billed (a few seconds)",
            target, sample, sampleAnchor, anchor);
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var (summary, _, _) = await SampleDatabase.WriteAsync(target, anchor, force: false, ct, clock,
                step => log.LogInformation("Sample as of {Anchor:yyyy-MM-dd HH:mm}: {Step} ({Seconds:0.0} s)", anchor, step, stopwatch.Elapsed.TotalSeconds));
            log.LogInformation("Started from the sample as of {Anchor:yyyy-MM-dd HH:mm} UTC, generated in {Seconds:0.0} s: {Clients} clients, "
                + "{Assets} assets, {Readings} readings", anchor, stopwatch.Elapsed.TotalSeconds, summary.Clients, summary.Assets, summary.Readings);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A stale picture beats no console at all; the error says what to fix.
            log.LogError(e, "Generating the sample as of {Anchor:yyyy-MM-dd HH:mm} failed: started from a plain copy of {Sample}", anchor, sample);
            if (!File.Exists(target)) File.Copy(sample, target);
        }
    }
}
