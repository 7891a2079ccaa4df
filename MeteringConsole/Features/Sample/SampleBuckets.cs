using Bogus;
using MeteringConsole.Domain;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// One bucket per client, source and unit type, bound to the client's assets. Commits are sized on
/// what the bound assets actually used in the last full month, times a factor, so that some clients
/// are over commit, some under and some mixed: the Over/Under pages have all three to show.
/// </summary>
internal static class SampleBuckets
{
    private enum Outcome { Over, Under, Mixed }

    public static List<SampleBucket> Create(Faker f, SampleWindow window, IReadOnlyList<SampleClient> clients,
        IReadOnlyList<SampleAsset> assets, IReadOnlyList<SampleReading> readings)
    {
        var month = window.LastFullMonth();
        var usage = new MonthlyUsage(readings, month.Start, month.End);
        // Churned clients stopped early in the window: their commits were sized on its first month.
        var churnedUsage = new MonthlyUsage(readings, window.Start, window.Start.AddDays(30));
        var buckets = new List<SampleBucket>();
        var outcomes = new Queue<Outcome>();
        for (var c = 0; c < clients.Count; c++)
        {
            var client = clients[c];
            var groups = assets.Select((a, i) => (Asset: a, Index: i))
                .Where(x => x.Asset.Client == c && x.Asset.Acknowledged && !x.Asset.Disregarded && !x.Asset.LeftUnbound)
                .SelectMany(x => x.Asset.UnitTypes.Select(u => (x.Asset.Source, Unit: u, x.Index)))
                .GroupBy(x => (x.Source, x.Unit), x => x.Index)
                .OrderBy(g => Array.IndexOf(SampleCatalog.SourceTypes, g.Key.Source)).ThenBy(g => g.Key.Unit, StringComparer.Ordinal)
                .ToList();
            if (groups.Count == 0) continue;
            if (outcomes.Count == 0) foreach (var o in f.Random.Shuffle(new[] { Outcome.Over, Outcome.Under, Outcome.Mixed })) outcomes.Enqueue(o);
            var outcome = groups.Count == 1 && outcomes.Peek() == Outcome.Mixed ? f.PickRandom(Outcome.Over, Outcome.Under) : outcomes.Dequeue();
            var overs = outcome switch
            {
                Outcome.Over => groups.Count,
                Outcome.Under => 0,
                _ => f.Random.Int(1, groups.Count - 1),
            };
            var overGroups = f.Random.ListItems(groups, overs).ToHashSet();
            foreach (var group in groups)
            {
                var unit = SampleCatalog.UnitTypes.Single(u => u.Name == group.Key.Unit);
                var used = (client.Enabled ? usage : churnedUsage).Of(group.ToList(), group.Key.Unit, unit.Aggregation);
                // Auto-provisioning binds every matching asset, so it cannot have left one out.
                var mayBeAuto = !assets.Any(a => a.Client == c && a.LeftUnbound && a.Source == group.Key.Source && a.UnitTypes.Contains(unit.Name));
                buckets.Add(Bucket(f, window, c, client, unit, group.Key.Source, group.ToList(), used, overGroups.Contains(group), mayBeAuto, assets));
            }
        }
        return buckets;
    }

    private static SampleBucket Bucket(Faker f, SampleWindow window, int clientIndex, SampleClient client, SampleUnitType unit,
        string source, List<int> bound, double used, bool over, bool mayBeAuto, IReadOnlyList<SampleAsset> assets)
    {
        // The nightly job provisions from the unit type's template: commit 0, not reviewed, every matching asset bound.
        var auto = over && mayBeAuto && used > 0 && unit.AutoProvision && f.Random.Bool(0.3f)
            && bound.All(a => SampleCatalog.GlobMatches(unit.FilterPattern, assets[a].ExternalId) || SampleCatalog.GlobMatches(unit.FilterPattern, assets[a].Name));
        // A bucket whose assets all went quiet still has the commit it was signed with.
        var commit = auto ? 0 : used <= 0 ? 10m : Nice(used * (over ? f.Random.Double(0.65, 0.88) : f.Random.Double(1.15, 1.5)), roundUp: !over);
        var negotiated = !auto && f.Random.Bool(0.3f);
        var baseRate = negotiated ? decimal.Round(unit.BaseRate * (1 - f.PickRandom(0.05m, 0.10m, 0.15m)), 6) : unit.BaseRate;
        var earliest = bound.Min(a => assets[a].CreatedAt);
        var created = Max(client.CreatedAt.AddDays(f.Random.Int(1, 20)), earliest.AddHours(f.Random.Int(2, 72)));
        if (created >= window.Anchor) created = window.Anchor.AddHours(-f.Random.Int(2, 20));
        var bindings = bound.Select(a => new SampleBinding(a, Min(Max(created, assets[a].CreatedAt).AddHours(f.Random.Int(1, 48)), window.Anchor.AddMinutes(-5))))
            .ToList();
        return new SampleBucket(clientIndex, SampleCatalog.BucketName(source, unit.Name), source, unit.Name, unit.Aggregation, commit,
            baseRate, unit.OverageRate, Reviewed: !auto && f.Random.Bool(0.85f), Enabled: client.Enabled, AutoProvisioned: auto,
            created, bindings);
    }

    /// <summary>
    /// A commit a salesperson would have signed: two significant figures (whole units below 100),
    /// rounded away from the usage so an over bucket stays over and an under bucket stays under.
    /// </summary>
    public static decimal Nice(double units, bool roundUp)
    {
        var value = (decimal)units;
        var step = value < 1 ? 0.01m : 1m;
        for (var limit = 100m; value >= limit; limit *= 10) step *= 10;
        var steps = value / step;
        return (roundUp ? decimal.Ceiling(steps) : decimal.Floor(steps)) * step;
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    /// <summary>The money rule's usage: each asset's readings aggregated over the period, summed over the assets.</summary>
    private sealed class MonthlyUsage
    {
        private readonly ILookup<(int Asset, string Unit), SampleReading> _readings;

        public MonthlyUsage(IReadOnlyList<SampleReading> readings, DateTime start, DateTime end)
        {
            long from = SampleWindow.ToMs(start), to = SampleWindow.ToMs(end);
            _readings = readings.Where(r => r.TimestampMs >= from && r.TimestampMs < to).ToLookup(r => (r.Asset, r.UnitType));
        }

        public double Of(IEnumerable<int> assets, string unit, Aggregation aggregation) => assets.Sum(a =>
        {
            var rs = _readings[(a, unit)].ToList();
            if (rs.Count == 0) return 0;
            return aggregation switch
            {
                Aggregation.Sum => rs.Sum(r => r.Value),
                Aggregation.Max => rs.Max(r => r.Value),
                Aggregation.Avg => rs.Average(r => r.Value),
                Aggregation.Last => rs.MaxBy(r => r.TimestampMs).Value,
                _ => rs.Count,
            };
        });
    }
}
