using System.Diagnostics;
using System.Net.Http.Headers;

namespace MeteringConsole.IngestBench;

/// <summary>
/// N concurrent senders posting 10,000-event batches as fast as the server answers; with several
/// consoles on one database, sender s posts to console s mod n, as behind a load balancer.
/// </summary>
public static class HttpIngest
{
    /// <summary>One timed run: what the report prints, and its rate for comparisons.</summary>
    /// <param name="ServerCpu">Core time the consoles used during the timed run.</param>
    public sealed record Run(string Text, double EventsPerSecond, TimeSpan Elapsed, TimeSpan ServerCpu)
    {
        public override string ToString() => Text;
    }

    /// <param name="setUp">Runs before the warm-up batch (which creates the workload's assets), outside the timing.</param>
    public static Task<Run> RunAsync(BenchApp app, BenchOptions options, string label, Func<Task>? setUp = null)
        => RunAsync(new[] { app }, options, label, setUp);

    public static async Task<Run> RunAsync(IReadOnlyList<BenchApp> apps, BenchOptions options, string label, Func<Task>? setUp = null)
    {
        if (setUp is not null) await setUp();
        var run = Guid.NewGuid().ToString("N")[..6];
        // Bodies are built before the clock starts: the server is measured, not the client's JSON writer.
        var bodies = Enumerable.Range(0, options.Senders)
            .Select(s => Enumerable.Range(0, options.BatchesPerSender).Select(b => Workload.Batch(run, s, b, options.BatchSize)).ToArray())
            .ToArray();
        // Warm-up outside the timing: first asset inserts, connection pools, and the JIT. A fresh
        // process re-compiles its hot methods on a background thread for many seconds (tiered
        // compilation): after one batch it still took a seventh of the console's core time, and more
        // in the run with alerts, whose code paths are compiled too; so every sender posts
        // --warmup batches first, as a console that has been up a while would have.
        foreach (var (app, i) in apps.Select((a, i) => (a, i)))
            await PostAsync(app, Workload.Batch(run + "w" + i, 0, 0, options.BatchSize));
        await Task.WhenAll(Enumerable.Range(0, options.Senders).Select(async sender =>
        {
            for (var b = 0; b < options.WarmUpBatches; b++) await PostAsync(apps[sender % apps.Count], Workload.Batch(run + "w", sender, b, options.BatchSize));
        }));

        var cpuBefore = apps.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.CpuTime());
        var (machineBefore, sendersBefore) = (MachineBusy(), Process.GetCurrentProcess().TotalProcessorTime);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(bodies.Select(async (batches, sender) =>
        {
            foreach (var body in batches) await PostAsync(apps[sender % apps.Count], body);
        }));
        clock.Stop();
        var cpu = apps.Aggregate(TimeSpan.Zero, (sum, a) => sum + a.CpuTime()) - cpuBefore;
        var machine = MachineBusy() - machineBefore;
        var senders = Process.GetCurrentProcess().TotalProcessorTime - sendersBefore;
        var events = (long)options.Senders * options.BatchesPerSender * options.BatchSize;
        var rate = events / clock.Elapsed.TotalSeconds;
        // Where the machine's cores went: the consoles, this program's senders, and the rest (the
        // PostgreSQL server when it is one, and anything else running).
        return new Run($"{label}: {events:N0} events in {clock.Elapsed.TotalSeconds:N1} s = {rate:N0} events/s; "
            + $"cores busy {machine.TotalSeconds:N1} core-s of {Environment.ProcessorCount * clock.Elapsed.TotalSeconds:N1} (console {cpu.TotalSeconds:N1}, "
            + $"senders {senders.TotalSeconds:N1}, rest {(machine - cpu - senders).TotalSeconds:N1}); "
            + $"server peak memory {string.Join(" + ", apps.Select(a => a.PeakMemoryMiB().ToString("N0")))} MiB", rate, clock.Elapsed, cpu);
    }

    /// <summary>Core time the machine's cores have been busy since boot (/proc/stat: user, nice, system, irq, softirq; not idle, iowait or steal).</summary>
    private static TimeSpan MachineBusy()
    {
        // cpu  user nice system idle iowait irq softirq steal …, in clock ticks (100 a second).
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return TimeSpan.FromSeconds((fields[0] + fields[1] + fields[2] + fields[5] + fields[6]) / 100.0);
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
