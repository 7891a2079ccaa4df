using System.Globalization;

namespace MeteringConsole.IngestBench;

/// <summary>
/// The benchmark's "now": the instant the consoles it starts are pinned to when <c>Clock__Now</c> is
/// in the environment (they inherit it), else the system's. The workload's timestamps are laid out
/// from it, so a pinned run sends readings that are neither in the future nor outside the open period.
/// </summary>
public static class BenchClock
{
    private static readonly DateTimeOffset? Pinned = Environment.GetEnvironmentVariable("Clock__Now") is { Length: > 0 } text
        ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
        : null;

    private static readonly DateTimeOffset Started = DateTimeOffset.UtcNow;

    /// <summary>The pinned instant plus the time the benchmark has been running, as the consoles' clocks run on.</summary>
    public static DateTimeOffset UtcNow => Pinned is { } pinned ? pinned + (DateTimeOffset.UtcNow - Started) : DateTimeOffset.UtcNow;
}
