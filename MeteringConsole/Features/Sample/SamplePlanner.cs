using Bogus;

namespace MeteringConsole.Features.Sample;

/// <summary>Decides the whole sample in memory from one seed and the anchor: same inputs, same rows.</summary>
internal static class SamplePlanner
{
    /// <summary>Changing it (or any draw order) changes the sample: regenerate app.db.sample afterwards.</summary>
    public const int Seed = 20_261_120;

    public static SamplePlan Create(DateTime anchor)
    {
        var window = new SampleWindow(anchor);
        // Bogus draws everything, names included, from this one randomizer; its dates would use the clock, so none are used.
        var f = new Faker("en") { Random = new Randomizer(Seed) };
        var clients = SampleClients.Create(f, window, SampleEstate.ClientCount);
        var assets = SampleEstate.Create(f, clients);
        // A suppressed asset could never have reported: the rules and the estate must not overlap.
        if (assets.FirstOrDefault(a => SampleCatalog.Suppressions.Any(s => SampleCatalog.Suppressed(s, a.ExternalId, a.Name))) is { } clash)
            throw new InvalidOperationException($"Sample asset {clash.Name} ({clash.ExternalId}) matches an ingest suppression.");
        var readings = SampleUsage.Create(f, window, assets);
        DateAssets(f, window, clients, assets, readings);
        var buckets = SampleBuckets.Create(f, window, clients, assets, readings);
        return new SamplePlan(window, clients, assets, readings, buckets);
    }

    /// <summary>Assets first reported inside the window were created by that report; the others long before.</summary>
    private static void DateAssets(Faker f, SampleWindow window, IReadOnlyList<SampleClient> clients, IReadOnlyList<SampleAsset> assets,
        IReadOnlyList<SampleReading> readings)
    {
        var first = new long[assets.Count];
        var last = new long[assets.Count];
        Array.Fill(first, long.MaxValue);
        foreach (var r in readings)
        {
            first[r.Asset] = Math.Min(first[r.Asset], r.TimestampMs);
            last[r.Asset] = Math.Max(last[r.Asset], r.TimestampMs);
        }
        for (var i = 0; i < assets.Count; i++)
        {
            var asset = assets[i];
            if (first[i] == long.MaxValue) throw new InvalidOperationException($"Sample asset {asset.Name} has no readings.");
            asset.LastSeenAt = SampleWindow.FromMs(last[i]);
            if (asset.FirstDay > 0)
            {
                asset.CreatedAt = SampleWindow.FromMs(first[i]);
                continue;
            }
            var earliest = asset.Client is int c ? clients[c].CreatedAt : window.Start.AddDays(-700);
            var days = Math.Max(1, (int)(window.Start - earliest).TotalDays - 1);
            asset.CreatedAt = earliest.AddDays(f.Random.Int(1, days)).AddMinutes(f.Random.Int(0, 24 * 60 - 1));
            if (asset.CreatedAt >= window.Start) asset.CreatedAt = window.Start.AddHours(-f.Random.Int(2, 48));
        }
    }
}
