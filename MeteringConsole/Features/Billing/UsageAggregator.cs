using System.Data.Common;
using MeteringConsole.Data;
using MeteringConsole.Common;
using MeteringConsole.Domain;

namespace MeteringConsole.Features.Billing;

/// <summary>A bucket as billing sees it (and bills it as), with its usage over a range of days.</summary>
public sealed record BucketUsage(int BucketId, int ClientId, Aggregation Aggregation, decimal Commit, decimal BaseRate,
    decimal OverageRate, decimal Usage, string Name = "", string SourceType = "", string UnitType = "", DateOnly StartsOn = default,
    DateOnly? EndsOn = null);

/// <summary>One asset's aggregated usage of a unit type over a range of days.</summary>
public sealed record AssetUsage(int AssetId, string ExternalId, string Name, decimal Usage);

/// <summary>The usage of one local day: that day's rollups aggregated per asset, summed over the assets.</summary>
public sealed record DayUsage(DateOnly Day, decimal Usage);

/// <summary>A bucket's usage by asset and by day (the days with rollups, in order).</summary>
public sealed record UsageBreakdown(IReadOnlyList<AssetUsage> ByAsset, IReadOnlyList<DayUsage> ByDay);

/// <summary>
/// Usage of buckets over a range of local days, from the daily rollups (never raw readings):
/// each bound, non-disregarded asset's rollups of the bucket's unit type are aggregated by the
/// bucket's aggregation, then summed over the assets. Per asset: sum = Σsum, count = Σcount,
/// max = max(max), avg = Σsum / Σcount, last = the last value of the latest-stamped day.
/// A bucket's usage is counted up to <see cref="ValueLimits.MaxBucketUsage"/>, so no later step can overflow.
/// </summary>
public static class UsageAggregator
{
    private const string BucketsSql = """
        SELECT b.id, b.client_id, b.aggregation, b."commit", b.base_rate, b.overage_rate, b.name, s.name, u.name, b.starts_on, b.ends_on
        FROM billing_buckets b JOIN source_types s ON s.id = b.source_type_id JOIN unit_types u ON u.id = b.unit_type_id
        WHERE 1 = 1 /*filter*/ ORDER BY b.id
        """;

    // Billed: an enabled bucket of an enabled client whose contract dates cover part of the range.
    private const string BillableFilter = """
         AND b.enabled = /*true*/ AND b.starts_on < @toDate AND (b.ends_on IS NULL OR b.ends_on >= @fromDate)
         AND EXISTS (SELECT 1 FROM clients c WHERE c.id = b.client_id AND c.enabled = /*true*/)
        """;

    // Bucket, then asset order lets each asset's days be folded as they stream past, in constant memory.
    private const string RollupsSql = """
        SELECT ba.bucket_id, ba.asset_id, r."sum", r."count", r."max", r.last_timestamp_ms, r.last_value
        FROM billing_buckets b
        JOIN bucket_assets ba ON ba.bucket_id = b.id
        JOIN assets a ON a.id = ba.asset_id AND a.disregarded = /*false*/
        JOIN usage_daily_rollups r ON r.asset_id = ba.asset_id AND r.unit_type_id = b.unit_type_id AND r.day >= @from AND r.day < @to
        WHERE 1 = 1 /*filter*/
        ORDER BY ba.bucket_id, ba.asset_id
        """;

    /// <param name="fromDay">First local day (yyyymmdd), inclusive.</param>
    /// <param name="toDay">Local day (yyyymmdd) after the range, exclusive.</param>
    /// <param name="enabledOnly">
    /// Billing and projections take only billable buckets (enabled, of an enabled client, under a
    /// contract covering the range); a client's cards show them all.
    /// </param>
    /// <param name="clientId">Only this client's buckets, or all.</param>
    /// <returns>Every selected bucket, with usage 0 when nothing was reported.</returns>
    public static async Task<List<BucketUsage>> AggregateAsync(DbConnection connection, DbTransaction? transaction,
        int fromDay, int toDay, bool enabledOnly, int? clientId = null, CancellationToken ct = default)
    {
        var filter = (enabledOnly ? BillableFilter : "") + (clientId is null ? "" : " AND b.client_id = @client");
        string Sql(string sql) => Booleans(connection, sql.Replace("/*filter*/", filter));
        void Bind(DbCommand cmd)
        {
            if (clientId is int c) cmd.Bind("@client", c);
            if (!enabledOnly) return;
            cmd.Bind("@fromDate", BillingSettings.ToDate(fromDay));
            cmd.Bind("@toDate", BillingSettings.ToDate(toDay));
        }
        var buckets = new Dictionary<int, BucketUsage>();
        await using (var cmd = connection.Command(Sql(BucketsSql), transaction))
        {
            Bind(cmd);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                buckets[reader.GetInt32(0)] = new BucketUsage(reader.GetInt32(0), reader.GetInt32(1), Enum.Parse<Aggregation>(reader.GetString(2)),
                    SqlValues.FromMicros(reader.GetInt64(3)), SqlValues.FromMicros(reader.GetInt64(4)), SqlValues.FromMicros(reader.GetInt64(5)), 0,
                    reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetFieldValue<DateOnly>(9),
                    reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10));
        }

        var usage = buckets.Keys.ToDictionary(id => id, _ => 0m);
        await using (var cmd = connection.Command(Sql(RollupsSql), transaction))
        {
            cmd.Bind("@from", fromDay).Bind("@to", toDay);
            Bind(cmd);
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
        return buckets.Values.Select(b => b with { Usage = BillingMath.Units(Math.Min(usage[b.BucketId], ValueLimits.MaxBucketUsage)) }).ToList();
    }

    // Every asset bound to the bucket now (none disregarded), with its rollups of one unit type in the range, if any.
    private const string BreakdownSql = """
        SELECT a.id, a.external_id, a.name, r.day, r."sum", r."count", r."max", r.last_timestamp_ms, r.last_value
        FROM bucket_assets ba
        JOIN assets a ON a.id = ba.asset_id AND a.disregarded = /*false*/
        LEFT JOIN unit_types u ON u.name = @unit
        LEFT JOIN usage_daily_rollups r ON r.asset_id = a.id AND r.unit_type_id = u.id AND r.day >= @from AND r.day < @to
        WHERE ba.bucket_id = @bucket
        ORDER BY a.external_id, a.id, r.day
        """;

    /// <summary>
    /// What is behind one bucket's usage: each bound asset's usage of <paramref name="unitType"/>
    /// over the range, and the usage of each day (that day's rollups alone, aggregated the same way
    /// and summed over the assets). The assets add up to what <see cref="AggregateAsync"/> bills.
    /// </summary>
    public static async Task<UsageBreakdown> BreakdownAsync(DbConnection connection, int bucketId, string unitType, Aggregation aggregation,
        int fromDay, int toDay, CancellationToken ct = default)
    {
        await using var cmd = connection.Command(Booleans(connection, BreakdownSql)).Bind("@bucket", bucketId).Bind("@unit", unitType).Bind("@from", fromDay).Bind("@to", toDay);
        var assets = new List<AssetUsage>();
        var days = new SortedDictionary<int, decimal>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var asset = new AssetAccumulator();
        int assetId = -1;
        (string ExternalId, string Name) current = ("", "");
        void Close()
        {
            if (assetId >= 0) assets.Add(new AssetUsage(assetId, current.ExternalId, current.Name, BillingMath.Units(asset.Result(aggregation))));
        }
        while (await reader.ReadAsync(ct))
        {
            var id = reader.GetInt32(0);
            if (id != assetId)
            {
                Close();
                (assetId, current) = (id, (reader.GetString(1), reader.GetString(2)));
                asset.Reset();
            }
            if (reader.IsDBNull(3)) continue;
            var row = (Sum: reader.GetDouble(4), Count: reader.GetInt64(5), Max: reader.GetDouble(6), LastAt: reader.GetInt64(7), Last: reader.GetDouble(8));
            asset.Add(row.Sum, row.Count, row.Max, row.LastAt, row.Last);
            var day = new AssetAccumulator();
            day.Reset();
            day.Add(row.Sum, row.Count, row.Max, row.LastAt, row.Last);
            days[reader.GetInt32(3)] = days.GetValueOrDefault(reader.GetInt32(3)) + day.Result(aggregation);
        }
        Close();
        return new UsageBreakdown(assets, days.Select(d => new DayUsage(BillingSettings.ToDate(d.Key), BillingMath.Units(d.Value))).ToList());
    }

    /// <summary>The boolean literals each store plans best with (see <see cref="SqlValues.Bool"/>).</summary>
    internal static string Booleans(DbConnection connection, string sql)
        => sql.Replace("/*true*/", SqlValues.Bool(connection, true)).Replace("/*false*/", SqlValues.Bool(connection, false));

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
        /// binary noise (0.1 + 0.2) does not reach the money. Capped at the bucket limit first: a
        /// double beyond decimal's range (rows stored before the reading limit) would throw.
        /// </summary>
        public readonly decimal Result(Aggregation aggregation) => _count == 0 ? 0 : aggregation switch
        {
            Aggregation.Sum => Capped(_sum),
            Aggregation.Count => Math.Min(_count, ValueLimits.MaxBucketUsage),
            Aggregation.Max => Capped(_max),
            Aggregation.Avg => Capped(_sum / _count),
            _ => Capped(_last),
        };

        private static decimal Capped(double value) => (decimal)Math.Min(value, (double)ValueLimits.MaxBucketUsage);
    }
}
