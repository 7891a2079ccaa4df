using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using System.Text.Json;

namespace MeteringConsole.IngestBench;

/// <summary>
/// <c>--alerts N</c>: before the timed run, clients whose buckets hold part of the workload's
/// vmware assets, and N active alerts over them (every type in turn, for all clients or for one),
/// with thresholds from the run's own size so that some clients cross them half-way through and
/// others never do. Every batch then triggers the coalesced evaluation, and each crossing a
/// notification (mail is not configured here, so its one attempt is logged and not retried):
/// the cost alerts add to ingest.
/// </summary>
public static class AlertSetup
{
    public const int Clients = 4;
    public const int AssetsPerClient = 50;

    public static async Task CreateAsync(BenchApp app, BenchOptions options)
    {
        var http = app.Http;
        var clients = new List<int>();
        for (var c = 0; c < Clients; c++)
            clients.Add((await ReadAsync(await http.PostAsJsonAsync("/api/v1/clients", new { name = $"Bench client {c + 1}", alert_emails = new[] { $"ops{c + 1}@bench.test" } })))
                .GetProperty("id").GetInt32());
        // One reading per asset with its client creates the asset assigned to it; the workload's own events then count for its bucket.
        var assets = clients.Select((client, c) => (Client: client, Ids: Enumerable.Range(0, AssetsPerClient)
            .Select(k => $"asset-{(k * Clients + c) * 3:D5}").ToArray())).ToList();
        var start = BenchClock.UtcNow.AddDays(-3).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        await ReadAsync(await http.PostAsJsonAsync("/api/v1/usage", assets.SelectMany(a => a.Ids.Select(id => new
        {
            event_id = "setup-" + id, timestamp = start, source = "vmware", asset_id = id, unit_type = "vcpu-hours", value = 1.0, client_id = a.Client,
        }))));
        var expected = Expected(options);
        foreach (var (client, ids) in assets)
            await ReadAsync(await http.PostAsJsonAsync("/api/v1/buckets", new
            {
                client_id = client, name = "Bench vCPU hours", source_type = "vmware", unit_type = "vcpu-hours", commit = expected.Commit, base_rate = 1,
                overage_rate = 1.5, reviewed = true, enabled = true, asset_ids = ids,
            }));
        foreach (var alert in Plan(expected, clients).Take(options.Alerts))
            await ReadAsync(await http.PostAsJsonAsync("/api/v1/alerts", alert));
        // One more, crossed at once by the set-up's readings: a crossing is notified (and its mail
        // attempted) before the clock starts, so that path is compiled in the warm-up, as in a
        // console that has been up a while, rather than timed as if every run paid for it.
        await ReadAsync(await http.PostAsJsonAsync("/api/v1/alerts", new
        {
            alert_type = "usage_threshold_reached", name = "Warm-up", threshold = 1m, client_id = (int?)clients[0], unit_type = "vcpu-hours",
            severity = "soft", channels = new[] { "email" },
        }));
    }

    /// <summary>After the run: how many (alert, client) states are in alarm, once the last evaluation has had its second.</summary>
    public static async Task<string> SummaryAsync(BenchApp app)
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        var states = (await ReadAsync(await app.Http.GetAsync("/api/v1/customer-alerts"))).EnumerateArray().ToList();
        var alarms = states.Count(s => s.GetProperty("status").GetString() == "in_alarm");
        return $"alerts: {alarms} of {states.Count} (alert, client) states in alarm after the run";
    }

    /// <summary>
    /// What the console's evaluations took while the run went on, summed from their log lines
    /// (AlertEvaluationJob at Debug). Reading the figures takes core time from ingest (its wall
    /// time bounds that, an evaluation being one task at a time); waiting for the write gate takes
    /// nothing; writing the states holds ingest's batches back for as long as it lasts.
    /// </summary>
    public static string EvaluationCost(BenchApp app, HttpIngest.Run run)
    {
        var pattern = new Regex(@"Alert evaluation after .*: (\d+) states, figures read in ([\d.]+) ms, write gate waited ([\d.]+) ms, states written in ([\d.]+) ms");
        var (count, reading, waiting, writing) = (0, 0.0, 0.0, 0.0);
        foreach (var match in app.LogLines().Select(l => pattern.Match(l)).Where(m => m.Success))
        {
            double Ms(int group) => double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
            count++;
            (reading, waiting, writing) = (reading + Ms(2), waiting + Ms(3), writing + Ms(4));
        }
        var runMs = run.Elapsed.TotalMilliseconds;
        return $"alert evaluations: {count} (warm-up included); figures read in {reading:N0} ms ({reading / runMs:P1} of the run's "
            + $"{run.Elapsed.TotalSeconds:N1} s on one core), write gate waited {waiting:N0} ms, states written in {writing:N0} ms "
            + $"({writing / runMs:P1} of the run holding the gate)";
    }

    /// <summary>The rounds' mean rates without and with alerts, and how far apart the rounds are.</summary>
    public static string Comparison(IReadOnlyList<HttpIngest.Run> without, IReadOnlyList<HttpIngest.Run> with)
    {
        var (a, b) = (without.Average(r => r.EventsPerSecond), with.Average(r => r.EventsPerSecond));
        var pairs = string.Join(" · ", without.Zip(with, (x, y) => $"{x.EventsPerSecond:N0} → {y.EventsPerSecond:N0}"));
        var changes = without.Zip(with, (x, y) => y.EventsPerSecond / x.EventsPerSecond - 1).ToList();
        var spread = changes.Count > 1 ? $"; per round {string.Join(", ", changes.Select(c => c.ToString("+0.0%;−0.0%")))}" : "";
        // The consoles' own core time for the same million events: what alerts add, whatever else shares the machine.
        var (cpuA, cpuB) = (without.Average(r => r.ServerCpu.TotalSeconds), with.Average(r => r.ServerCpu.TotalSeconds));
        return $"alerts' cost: mean {a:N0} events/s without, {b:N0} with = {b / a - 1:+0.0%;−0.0%} ({pairs}){spread}; "
            + $"server core time per run {cpuA:N1} s without, {cpuB:N1} s with = {cpuB / cpuA - 1:+0.0%;−0.0%}";
    }

    /// <summary>
    /// What one client's bucket is expected to reach in the open period by the end of the run: units,
    /// its commit (40 % of them, so it is passed during the run) and spend at base 1, overage 1.5.
    /// </summary>
    private static (decimal Units, decimal Commit, decimal Spend) Expected(BenchOptions options)
    {
        // The warm-up's batches count too: they are stamped like the run's first ones.
        var eventsPerAsset = (decimal)options.Senders * (options.BatchesPerSender + options.WarmUpBatches) * options.BatchSize / 2_000;
        // Half the events are vcpu-hours; Workload's values (n % 97) / 4 average 12. Event n is
        // stamped n seconds (modulo Workload.Span) after 3 days ago: only those since the 1st (UTC, the
        // bench's billing time zone) are in the open period the alerts read.
        var covered = TimeSpan.FromSeconds(Math.Min(Workload.Span.TotalSeconds, 7.0 * options.BatchesPerSender * options.BatchSize + options.Senders));
        var (now, start) = (BenchClock.UtcNow, BenchClock.UtcNow.AddDays(-3));
        var periodStart = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var inPeriod = Math.Clamp((decimal)((start + covered - periodStart) / covered), 0m, 1m);
        if (inPeriod < 0.05m)
            Console.WriteLine($"Warning: few or none of the workload's readings fall in this month ({inPeriod:P0}): alerts are evaluated on every batch, "
                + "but no client can cross them. Run the benchmark from the 4th of a month on.");
        var units = Math.Max(10, AssetsPerClient * eventsPerAsset / 2 * 12 * inPeriod);
        var commit = Math.Round(units * 0.4m);
        return (units, commit, commit + (units - commit) * 1.5m);
    }

    private static IEnumerable<object> Plan((decimal Units, decimal Commit, decimal Spend) expected, IReadOnlyList<int> clients)
    {
        var (units, _, spend) = expected;
        string[] email = { "email" };
        for (var i = 0; ; i++)
        {
            var client = clients[i % clients.Count];
            var round = i / 6 + 1;
            yield return (i % 6) switch
            {
                // Crossed half-way through the run by every client.
                0 => new { alert_type = "spend_threshold_reached", name = $"Spend {round}", threshold = Math.Round(spend / 2), client_id = (int?)null, severity = "soft", channels = email },
                1 => new { alert_type = "usage_threshold_reached", name = $"Usage {round}", threshold = Math.Round(units / 2), client_id = (int?)client, unit_type = "vcpu-hours", severity = "hard", channels = email },
                // Never reached: evaluated on every batch, notifies nothing.
                2 => new { alert_type = "invoice_total_reached", name = $"Invoice {round}", threshold = Math.Round(spend * 2), client_id = (int?)null, severity = "hard", channels = email },
                // Crossed once a client's usage passes its commit.
                3 => new { alert_type = "low_remaining_commit_balance_reached", name = $"Balance {round}", threshold = 0m, client_id = (int?)client, severity = "soft", channels = email },
                4 => (object)new { alert_type = "projected_overage", name = $"Projected {round}", threshold = 100m, client_id = (int?)null, severity = "soft", channels = email },
                _ => new { alert_type = "usage_change_percent", name = $"Change {round}", threshold = 50m, client_id = (int?)null, unit_type = "vcpu-hours", window = "week", direction = "up", severity = "soft", channels = email },
            };
        }
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
