using System.Diagnostics;
using System.Text.Json;
using MeteringConsole.Api;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.OverUnder;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Bench;

/// <summary>
/// Over/Under at 1,000 clients × 5 buckets × 12 billed periods: the 11 periods before the billed
/// month are billed too (no usage: every bucket a buffer), then the page's first load (the calls its
/// OnInitializedAsync makes; the grid's first page comes with its report) and the API's answer (report + JSON) are timed.
/// </summary>
internal static class OverUnderBench
{
    public static async Task<bool> RunAsync(IServiceProvider services, DateOnly month)
    {
        var runs = services.GetRequiredService<BillingRunService>();
        var setup = Stopwatch.StartNew();
        for (var i = 1; i < OverUnderService.TrendPeriods; i++)
        {
            var run = await runs.RunAsync(month.AddMonths(-i).ToString("yyyy-MM-dd"));
            if (run.Error is not null) throw new InvalidOperationException("Billing failed: " + run.Error);
        }
        Console.WriteLine($"Over/Under set-up: 11 earlier periods billed in {setup.Elapsed.TotalSeconds:0.0} s.");

        var service = services.GetRequiredService<OverUnderService>();
        var json = new JsonSerializerOptions();
        ApiRegistration.Configure(json);
        var period = month.ToString("yyyy-MM-dd");
        double pageMs = 0, apiMs = 0;
        var bytes = 0;
        // The first of three is the cold one (connection pool, JIT); the figure kept is the slowest.
        for (var i = 0; i < 3; i++)
        {
            var page = Stopwatch.StartNew();
            var (_, chosen) = await service.PeriodsAsync();
            await service.UnitTypesAsync();
            // One report: the page's sections and its grid's first page of 25 share it.
            await service.ReportAsync(new OverUnderQuery(chosen ?? period, Take: 25));
            pageMs = Math.Max(pageMs, page.Elapsed.TotalMilliseconds);

            var api = Stopwatch.StartNew();
            var report = await service.ReportAsync(new OverUnderQuery(period));
            bytes = JsonSerializer.SerializeToUtf8Bytes(report, json).Length;
            apiMs = Math.Max(apiMs, api.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"Over/Under page first load: {pageMs:0} ms; API answer ({bytes / 1024:N0} KiB of JSON): {apiMs:0} ms (targets < 300 ms, slowest of 3).");
        return pageMs < 300 && apiMs < 300;
    }
}
