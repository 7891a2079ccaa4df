using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Tests.Features.Sample;

/// <summary>
/// PRODUCT.md's money rule, computed straight from the readings: per enabled bucket, each bound,
/// non-disregarded asset's readings in the period aggregated by the bucket's aggregation, summed
/// over the assets, compared with the commit; per client Over, Under or Mixed.
/// </summary>
internal static class LastMonthStatus
{
    public static Dictionary<int, string> ByClient(SqliteConnection connection, DateTime anchor)
    {
        var end = new DateTime(anchor.Year, anchor.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var buckets = GeneratedSamples.Rows(connection, """SELECT id, client_id, aggregation, "commit" FROM billing_buckets WHERE enabled = 1""")
            .Select(r => r.Split('|'))
            .ToDictionary(r => int.Parse(r[0]), r => (Client: int.Parse(r[1]), Aggregation: r[2], Commit: long.Parse(r[3]) / DecimalMicrosConverter.Scale));
        var readings = GeneratedSamples.Rows(connection, $"""
            SELECT ba.bucket_id, r.asset_id, r.timestamp_ms, r.value
            FROM bucket_assets ba
            JOIN billing_buckets b ON b.id = ba.bucket_id AND b.enabled = 1
            JOIN assets a ON a.id = ba.asset_id AND a.disregarded = 0
            JOIN usage_readings r ON r.asset_id = ba.asset_id AND r.unit_type_id = b.unit_type_id
            WHERE r.timestamp_ms >= {Ms(end.AddMonths(-1))} AND r.timestamp_ms < {Ms(end)}
            """).Select(r => r.Split('|'))
            .Select(r => (Bucket: int.Parse(r[0]), Asset: int.Parse(r[1]), At: long.Parse(r[2]), Value: decimal.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();

        var usage = buckets.Keys.ToDictionary(id => id, _ => 0m);
        foreach (var perAsset in readings.GroupBy(r => (r.Bucket, r.Asset)))
        {
            var values = perAsset.OrderBy(r => r.At).Select(r => r.Value).ToList();
            usage[perAsset.Key.Bucket] += buckets[perAsset.Key.Bucket].Aggregation switch
            {
                "Sum" => values.Sum(),
                "Max" => values.Max(),
                "Avg" => values.Average(),
                "Last" => values[^1],
                "Count" => values.Count,
                var other => throw new InvalidOperationException($"Unknown aggregation {other}"),
            };
        }
        return buckets.GroupBy(b => b.Value.Client).ToDictionary(g => g.Key, g =>
        {
            var over = g.Any(b => usage[b.Key] > b.Value.Commit);
            var under = g.Any(b => usage[b.Key] < b.Value.Commit);
            return over && under ? "Mixed" : over ? "Over" : under ? "Under" : "At commit";
        });
    }

    private static long Ms(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();
}
