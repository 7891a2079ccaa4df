using MeteringConsole.Data;

namespace MeteringConsole.Bench;

/// <summary>
/// The benchmark's data set, written with set-based SQL (seconds, not minutes): clients with five
/// buckets each (one per aggregation), assets bound to them, and a month of daily rollups whose
/// counts add up to the requested number of readings in the billed period.
/// </summary>
internal static class BenchData
{
    public static async Task<(long Rollups, long Readings)> WriteAsync(string connectionString, int clients, int assetsPerBucket,
        long readings, DateOnly month)
    {
        using var database = new DatabaseOptions(connectionString);
        return await WriteAsync(database, clients, assetsPerBucket, readings, month);
    }

    /// <summary>On either store: the SQL below is what SQLite and PostgreSQL both accept (TRUE/FALSE, 64-bit casts before products that outgrow 32 bits).</summary>
    public static async Task<(long Rollups, long Readings)> WriteAsync(DatabaseOptions database, int clients, int assetsPerBucket,
        long readings, DateOnly month)
    {
        const int bucketsPerClient = 5;
        var days = month.AddMonths(1).DayNumber - month.DayNumber;
        var assets = (long)clients * bucketsPerClient * assetsPerBucket;
        // Rounded up, so the data set stands for at least the requested number of readings.
        var perRollup = Math.Max(1, (readings + assets * days - 1) / (assets * days));
        var firstDay = month.Year * 10000 + month.Month * 100 + 1;
        var startMs = new DateTimeOffset(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        await using var connection = await database.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        foreach (var sql in new[]
        {
            $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {clients})
            INSERT INTO clients (name, enabled, created_at, alert_emails) SELECT 'Bench client ' || i, TRUE, '2026-01-01 00:00:00', '' FROM n
            """,
            "INSERT INTO source_types (name, created_at) VALUES ('bench', '2026-01-01 00:00:00')",
            """
            INSERT INTO unit_types (name, description, aggregation, auto_provision, base_rate, overage_rate, filter_pattern, created_at)
            VALUES ('bench-sum', '', 'Sum', FALSE, 12500, 16000, '', '2026-01-01 00:00:00'),
                   ('bench-max', '', 'Max', FALSE, 80000, 100000, '', '2026-01-01 00:00:00'),
                   ('bench-avg', '', 'Avg', FALSE, 4500000, 5400000, '', '2026-01-01 00:00:00'),
                   ('bench-last', '', 'Last', FALSE, 21000000, 24500000, '', '2026-01-01 00:00:00'),
                   ('bench-count', '', 'Count', FALSE, 400000, 550000, '', '2026-01-01 00:00:00')
            """,
            // Commits around the expected usage, so the run prices over, under and at-commit lines;
            // contracts from 2025, so the eleven periods before the billed month (Over/Under's trend) are billable.
            $"""
            INSERT INTO billing_buckets (client_id, name, source_type_id, unit_type_id, aggregation, "commit", base_rate, overage_rate, reviewed, enabled, auto_provisioned, created_at, starts_on)
            SELECT c.id, 'Bench ' || u.name, 1, u.id, u.aggregation,
                   CAST(CASE u.aggregation WHEN 'Sum' THEN {assetsPerBucket * days * perRollup * 50} WHEN 'Count' THEN {assetsPerBucket * days * perRollup}
                                      ELSE {assetsPerBucket * 50} END AS BIGINT) * (80 + c.id % 40) / 100 * 1000000,
                   u.base_rate, u.overage_rate, TRUE, TRUE, FALSE, '2025-01-01 00:00:00', '2025-01-01'
            FROM clients c CROSS JOIN unit_types u ORDER BY c.id, u.id
            """,
            $"""
            WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < {assetsPerBucket})
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at)
            SELECT 1, 'bench-' || b.id || '-' || k.j, b.client_id, 'asset ' || b.id || '-' || k.j, CAST(b.id AS TEXT), TRUE, TRUE, FALSE, '2026-01-01 00:00:00'
            FROM billing_buckets b CROSS JOIN k ORDER BY b.id, k.j
            """,
            // The description holds the bucket's id: a portable way back from the asset to its bucket.
            "INSERT INTO bucket_assets (bucket_id, asset_id, bound_at) SELECT CAST(description AS INTEGER), id, '2026-01-01 00:00:00' FROM assets",
            // Each (asset, unit type, day) row stands for perRollup readings of about 50 ± 25.
            $"""
            WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < {days - 1})
            INSERT INTO usage_daily_rollups (asset_id, unit_type_id, day, "sum", "count", "max", last_timestamp_ms, last_value)
            SELECT ba.asset_id, b.unit_type_id, {firstDay} + d.n, {perRollup} * (25 + (ba.asset_id * 7 + d.n * 13) % 50) + 0.25, {perRollup},
                   75 - (ba.asset_id + d.n) % 10, {startMs} + CAST(d.n AS BIGINT) * 86400000 + 86399000, 25 + (ba.asset_id * 3 + d.n) % 50
            FROM bucket_assets ba JOIN billing_buckets b ON b.id = ba.bucket_id CROSS JOIN d
            """,
        })
        {
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = sql;
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
        // As any bulk load should: without statistics PostgreSQL's planner takes the tables for empty
        // until autovacuum next looks, and plans billing's aggregation as nested loops that run for
        // minutes instead of one second. (SQLite's plans do not depend on statistics here.)
        if (database.IsPostgreSql)
        {
            await using var analyze = connection.CreateCommand();
            analyze.CommandText = "ANALYZE";
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*), CAST(SUM(\"count\") AS BIGINT) FROM usage_daily_rollups";
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
