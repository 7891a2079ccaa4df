using System.Text.Json;

namespace MeteringConsole.IngestBench;

/// <summary>Realistic batches: 2,000 assets over three sources, two unit types, metadata on some events.</summary>
public static class Workload
{
    public static readonly (string Name, string Aggregation)[] UnitTypes = { ("vcpu-hours", "sum"), ("gb-month", "max") };
    private static readonly string[] Sources = { "vmware", "aws", "veeam" };

    /// <summary>How far the events' timestamps spread, from 3 days ago.</summary>
    public static readonly TimeSpan Span = TimeSpan.FromSeconds(200_000);

    /// <summary>The JSON body of one batch; event ids are unique per (run, sender, batch, index).</summary>
    public static byte[] Batch(string run, int sender, int batch, int size)
    {
        var start = BenchClock.UtcNow.AddDays(-3);
        var events = new object[size];
        for (var i = 0; i < size; i++)
        {
            var n = (batch * size + i) * 7 + sender;
            var asset = n % 2_000;
            events[i] = new
            {
                event_id = $"{run}-{sender}-{batch}-{i}",
                timestamp = start.AddSeconds(n % (int)Span.TotalSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
                source = Sources[asset % 3],
                asset_id = $"asset-{asset:D5}",
                unit_type = UnitTypes[i % 2].Name,
                value = (n % 97) / 4.0,
                metadata = i % 5 == 0 ? new Dictionary<string, string> { ["host"] = $"esx-{asset % 40}" } : null,
            };
        }
        return JsonSerializer.SerializeToUtf8Bytes(events);
    }
}
