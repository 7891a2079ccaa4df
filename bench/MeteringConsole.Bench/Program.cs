using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using System.Diagnostics;
using MeteringConsole.Bench;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.OverUnder;
using MeteringConsole.Features.Projections;
using Microsoft.Data.Sqlite;

// Billing and projection runs at the scale: 1,000 clients × 5 buckets, 10 million readings'
// worth of daily rollups in the billed month. Targets: billing < 10 s, projections < 5 s, peak memory < 1 GiB;
// Over/Under over 12 billed periods: the page's first load and the API's answer each < 300 ms, in process and over HTTP.
// Usage: dotnet run -c Release --project bench/MeteringConsole.Bench [-- --clients N --readings N --assets-per-bucket N]
var clients = Option("--clients", 1000);
var readings = Option("--readings", 10_000_000);
var assetsPerBucket = Option("--assets-per-bucket", 4);
var month = new DateOnly(2026, 10, 1);

var folder = Path.Combine(Path.GetTempPath(), "mc-bench-" + Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(folder);
var file = Path.Combine(folder, "bench.db");
try
{
    // Built, never started: the scheduler stays off; runs are executed inline and timed.
    using var host = OfflineHost.Build(file);
    await using var scope = await host.MigratedScopeAsync(Actor.System("bench"));

    var setup = Stopwatch.StartNew();
    var (rollups, readingCount) = await BenchData.WriteAsync(host.Services.GetRequiredService<DatabaseOptions>().ConnectionString,
        clients, assetsPerBucket, readings, month);
    Console.WriteLine($"Data set: {clients:N0} clients × 5 buckets × {assetsPerBucket} assets, {rollups:N0} daily rollups " +
                      $"standing for {readingCount:N0} readings in {month:yyyy-MM}; written in {setup.Elapsed.TotalSeconds:0.0} s " +
                      $"({new FileInfo(file).Length / 1024.0 / 1024.0:0} MB).");

    var before = Process.GetCurrentProcess().PeakWorkingSet64;
    var billing = Stopwatch.StartNew();
    var run = await scope.ServiceProvider.GetRequiredService<BillingRunService>().RunAsync(month.ToString("yyyy-MM-dd"));
    billing.Stop();
    if (run.Status != RunStatus.Succeeded) throw new InvalidOperationException("Billing failed: " + run.Error);
    Console.WriteLine($"Billing run: {run.BucketCount:N0} buckets billed in {billing.Elapsed.TotalSeconds:0.00} s (target < 10 s).");

    var projections = Stopwatch.StartNew();
    var summary = await scope.ServiceProvider.GetRequiredService<ProjectionService>().RunAsync(asOf: month.AddDays(19).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
    projections.Stop();
    Console.WriteLine($"Projection run: {summary} in {projections.Elapsed.TotalSeconds:0.00} s (target < 5 s).");

    var overUnder = await OverUnderBench.RunAsync(scope.ServiceProvider, month);
    overUnder &= await OverUnderHttpBench.RunAsync(file, folder, month);

    var peak = Process.GetCurrentProcess().PeakWorkingSet64;
    Console.WriteLine($"Peak working set: {peak / 1024.0 / 1024.0:0} MiB (before the runs: {before / 1024.0 / 1024.0:0} MiB; target < 1024 MiB).");
    var ok = billing.Elapsed.TotalSeconds < 10 && projections.Elapsed.TotalSeconds < 5 && peak < 1024L * 1024 * 1024 && overUnder;
    Console.WriteLine(ok ? "All targets met." : "A target was missed.");
    return ok ? 0 : 1;
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
}
