using System.Diagnostics;

namespace MeteringConsole.IngestBench;

/// <summary>The 90-day daily usage read of one client (20 assets) at volume: median of 30 requests.</summary>
public static class UsageRead
{
    public static async Task<string> RunAsync(BenchApp app)
    {
        var clients = await app.Http.GetStringAsync("/api/v1/clients?search=Preloaded%20client%2042&take=1");
        var id = System.Text.Json.JsonDocument.Parse(clients).RootElement.GetProperty("items")[0].GetProperty("id").GetInt32();
        var to = DateOnly.FromDateTime(BenchClock.UtcNow.UtcDateTime);
        var url = $"/api/v1/clients/{id}/usage?from={to.AddDays(-89):yyyy-MM-dd}&to={to:yyyy-MM-dd}";
        var times = new List<double>();
        for (var i = 0; i < 31; i++)
        {
            var clock = Stopwatch.StartNew();
            (await app.Http.GetAsync(url)).EnsureSuccessStatusCode();
            if (i > 0) times.Add(clock.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return $"90-day usage read of one client (20 assets, 2 unit types) at volume: median {times[times.Count / 2]:N1} ms, p95 {times[(int)(times.Count * 0.95)]:N1} ms";
    }
}
