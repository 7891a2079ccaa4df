namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// The one "now" of the test suite: the day after the sample's last readings (2026-11-20), so
/// the sample's open period has usage and projections whatever day the suite runs.
/// </summary>
public static class TestClock
{
    public static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    /// <summary>As the app's <c>Clock:Now</c> setting expects it.</summary>
    public static string Setting => Now.ToString("O");
}
