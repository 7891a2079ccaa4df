using System.Diagnostics;
using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Features.Sample;

namespace MeteringConsole.Cli;

internal static class SampleCommand
{
    /// <summary>
    /// <c>sample --out PATH [--force] [--as-of YYYY-MM-DD]</c>: writes the sample database to PATH.
    /// The configured database (<paramref name="services"/>) is deliberately left alone; only the app's
    /// clock is taken from them, so <c>Clock:Now</c> lets a sample be written as of a later date.
    /// </summary>
    public static async Task<int> RunAsync(IServiceProvider services, Command command)
    {
        CommandLine.RequireOnly(command, "out", "force", "as-of");
        var v = new Validator().Required(command.Option("out"), "out", 1000);
        var anchor = SampleDatabase.DefaultAnchor;
        if (command.Option("as-of") is { } asOf)
        {
            var parsed = DateTime.TryParseExact(asOf, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day);
            v.Check(parsed, "as-of", "As of must be a date, YYYY-MM-DD.");
            if (parsed) anchor = DateTime.SpecifyKind(day, DateTimeKind.Utc);
        }
        var force = command.Option("force");
        v.Check(force is null or "" or "true", "force", "Force takes no value.");
        v.ThrowIfInvalid();

        var stopwatch = Stopwatch.StartNew();
        var (summary, path, bytes) = await SampleDatabase.WriteAsync(command.Option("out")!, anchor, force is not null,
            clock: services.GetService<TimeProvider>());
        Console.WriteLine($"Wrote {path} ({bytes / 1024.0 / 1024.0:0.0} MB) in {stopwatch.Elapsed.TotalSeconds:0.0} s, as of {anchor:yyyy-MM-dd}: "
            + $"{summary.Clients} clients, {summary.Assets} assets, {summary.Buckets} buckets, {summary.Readings:N0} readings.");
        Console.WriteLine($"Sign in as admin@example.com, operator@example.com or viewer@example.com with password {SampleCatalog.DemoPassword}.");
        return 0;
    }
}
