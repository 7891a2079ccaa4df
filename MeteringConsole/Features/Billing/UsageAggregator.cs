using MeteringConsole.Data;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Billing;

/// <summary>A bucket as billing sees it, with its usage over a range of days.</summary>
public sealed record BucketUsage(int BucketId, int ClientId, Aggregation Aggregation, decimal Commit, decimal BaseRate,
    decimal OverageRate, decimal Usage);

/// <summary>
/// Usage of buckets over a range of local days, from the daily rollups (never raw readings):
/// each bound, non-disregarded asset's rollups of the bucket's unit type are aggregated by the
/// bucket's aggregation, then summed over the assets. Per asset: sum = Σsum, count = Σcount,
/// max = max(max), avg = Σsum / Σcount, last = the last value of the latest-stamped day.
/// </summary>
public static class UsageAggregator
{
    private const string BucketsSql = """
        SELECT id, client_id, aggregation, "commit", base_rate, overage_rate FROM billing_buckets b
        WHERE 1 = 1 /*filter*/ ORDER BY id
        """;

    // Bucket, then asset order lets each asset's days be folded as they stream past, in constant memory.
    private const string RollupsSql = """
        SELECT ba.bucket_id, ba.asset_id, r."sum", r."count", r."max", r.last_timestamp_ms, r.last_value
        FROM billing_buckets b
        JOIN bucket_assets ba ON ba.bucket_id = b.id
        JOIN assets a ON a.id = ba.asset_id AND a.disregarded = 0
        JOIN usage_daily_rollups r ON r.asset_id = ba.asset_id AND r.unit_type_id = b.unit_type_id AND r.day >= $from AND r.day < $to
        WHERE 1 = 1 /*filter*/
        ORDER BY ba.bucket_id, ba.asset_id
        """;

    /// <param name="fromDay">First local day (yyyymmdd), inclusive.</param>
    /// <param name="toDay">Local day (yyyymmdd) after the range, exclusive.</param>
    /// <param name="enabledOnly">Billing skips disabled buckets; a client's cards show them all.</param>
    /// <param name="clientId">Only this client's buckets, or all.</param>
    /// <returns>Every selected bucket, with usage 0 when nothing was reported.</returns>
    public static async Task<List<BucketUsage>> AggregateAsync(SqliteConnection connection, SqliteTransaction? transaction,
        int fromDay, int toDay, bool enabledOnly, int? clientId = null, CancellationToken ct = default)
    {
        var filter = (enabledOnly ? " AND b.enabled = 1" : "") + (clientId is null ? "" : " AND b.client_id = $client");
        var buckets = new Dictionary<int, (int Client, Aggregation Aggregation, decimal Commit, decimal Base, decimal Overage)>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = transaction;
            cmd.CommandText = BucketsSql.Replace("/*filter*/", filter);
            if (clientId is int c) cmd.Parameters.AddWithValue("$client", c);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                buckets[reader.GetInt32(0)] = (reader.GetInt32(1), Enum.Parse<Aggregation>(reader.GetString(2)),
                    SqlValues.FromMicros(reader.GetInt64(3)), SqlValues.FromMicros(reader.GetInt64(4)), SqlValues.FromMicros(reader.GetInt64(5)));
        }

        var usage = buckets.Keys.ToDictionary(id => id, _ => 0m);
        await using (var cmd = connection.CreateCommand())
        {
            cmd.Transaction = transaction;
            cmd.CommandText = RollupsSql.Replace("/*filter*/", filter);
            cmd.Parameters.AddWithValue("$from", fromDay);
            cmd.Parameters.AddWithValue("$to", toDay);
            if (clientId is int c) cmd.Parameters.AddWithValue("$client", c);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var asset = new AssetAccumulator();
            int bucket = -1, assetId = -1;
            // Synchronous reads on purpose: SQLite has no async I/O, and an await per row only adds overhead.
            while (reader.Read())
            {
                int b = reader.GetInt32(0), a = reader.GetInt32(1);
                if (b != bucket || a != assetId)
                {
                    if (bucket >= 0) usage[bucket] += asset.Result(buckets[bucket].Aggregation);
                    bucket = b;
                    assetId = a;
                    asset.Reset();
                }
                asset.Add(reader.GetDouble(2), reader.GetInt64(3), reader.GetDouble(4), reader.GetInt64(5), reader.GetDouble(6));
            }
            if (bucket >= 0) usage[bucket] += asset.Result(buckets[bucket].Aggregation);
        }
        return buckets.Select(b => new BucketUsage(b.Key, b.Value.Client, b.Value.Aggregation, b.Value.Commit, b.Value.Base,
            b.Value.Overage, BillingMath.Units(usage[b.Key]))).ToList();
    }

    /// <summary>Folds one asset's daily rollups (alerts fold a client's usage of a unit type the same way).</summary>
    internal struct AssetAccumulator
    {
        private double _sum;
        private long _count;
        private double _max;
        private long _lastAt;
        private double _last;

        public void Reset() => this = new AssetAccumulator { _max = double.NegativeInfinity, _lastAt = long.MinValue };

        public void Add(double sum, long count, double max, long lastAt, double last)
        {
            _sum += sum;
            _count += count;
            if (max > _max) _max = max;
            if (lastAt >= _lastAt)
            {
                _lastAt = lastAt;
                _last = last;
            }
        }

        /// <summary>
        /// Doubles become decimals here, rounded to 15 significant digits by the conversion, so
        /// binary noise (0.1 + 0.2) does not reach the money.
        /// </summary>
        public readonly decimal Result(Aggregation aggregation) => _count == 0 ? 0 : aggregation switch
        {
            Aggregation.Sum => (decimal)_sum,
            Aggregation.Count => _count,
            Aggregation.Max => (decimal)_max,
            Aggregation.Avg => (decimal)_sum / _count,
            _ => (decimal)_last,
        };
    }
}
