using System.Diagnostics;
using System.Net.Http.Headers;

namespace MeteringConsole.IngestBench;

/// <summary>
/// N concurrent senders posting 10,000-event batches as fast as the server answers; with several
/// consoles on one database, sender s posts to console s mod n, as behind a load balancer.
/// </summary>
public static class HttpIngest
{
    /// <param name="setUp">Runs before the warm-up batch (which creates the workload's assets), outside the timing.</param>
    public static Task<string> RunAsync(BenchApp app, BenchOptions options, string label, Func<Task>? setUp = null)
        => RunAsync(new[] { app }, options, label, setUp);

    public static async Task<string> RunAsync(IReadOnlyList<BenchApp> apps, BenchOptions options, string label, Func<Task>? setUp = null)
    {
        if (setUp is not null) await setUp();
        var run = Guid.NewGuid().ToString("N")[..6];
        // Bodies are built before the clock starts: the server is measured, not the client's JSON writer.
        var bodies = Enumerable.Range(0, options.Senders)
            .Select(s => Enumerable.Range(0, options.BatchesPerSender).Select(b => Workload.Batch(run, s, b, options.BatchSize)).ToArray())
            .ToArray();
        // One warm-up batch outside the timing (JIT, connection pool, first asset inserts).
        foreach (var (app, i) in apps.Select((a, i) => (a, i)))
            await PostAsync(app, Workload.Batch(run + "w" + i, 0, 0, options.BatchSize));

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(bodies.Select(async (batches, sender) =>
        {
            foreach (var body in batches) await PostAsync(apps[sender % apps.Count], body);
        }));
        clock.Stop();
        var events = (long)options.Senders * options.BatchesPerSender * options.BatchSize;
        return $"{label}: {events:N0} events in {clock.Elapsed.TotalSeconds:N1} s = {events / clock.Elapsed.TotalSeconds:N0} events/s; server peak memory {string.Join(" + ", apps.Select(a => a.PeakMemoryMiB().ToString("N0")))} MiB";
    }

    private static async Task PostAsync(BenchApp app, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await app.Http.PostAsync("/api/v1/usage", content);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /usage answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\nServer log:\n"
                + string.Join('\n', File.ReadLines(app.LogPath).Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(40)));
    }
}
