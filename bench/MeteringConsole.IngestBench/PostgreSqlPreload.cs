using System.Diagnostics;
using Npgsql;

namespace MeteringConsole.IngestBench;

/// <summary>
/// <see cref="Preload"/>'s PostgreSQL form: the same clients, assets, readings and rollups, written
/// by SQL (generate_series instead of SQLite's recursive CTE), then ANALYZE so the planner knows the volume.
/// </summary>
public static class PostgreSqlPreload
{
    public static async Task<string> FillAsync(string databasePath, long readings)
    {
        var clock = Stopwatch.StartNew();
        // Let the app create the schema, its key and unit types first.
        await using (var app = await BenchApp.StartAsync(Path.GetDirectoryName(databasePath)!, Path.GetFileName(databasePath))) { }

        await using var connection = new NpgsqlConnection(BenchStore.Current.Settings(databasePath)["ConnectionStrings:Default"]);
        await connection.OpenAsync();
        async Task Exec(string sql)
        {
            await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            await cmd.ExecuteNonQueryAsync();
        }
        await Exec("""
            INSERT INTO clients (name, enabled, created_at, alert_emails)
            SELECT 'Preloaded client ' || x, TRUE, '2026-01-01 00:00:00Z', '' FROM generate_series(1, 200) x;
            INSERT INTO source_types (name, created_at) VALUES ('vmware', '2026-01-01 00:00:00Z') ON CONFLICT (name) DO NOTHING;
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at, last_seen_at)
            SELECT (SELECT id FROM source_types WHERE name = 'vmware'), 'pre-' || x, (SELECT min(id) FROM clients WHERE name LIKE 'Preloaded%') + (x % 200),
                   'pre-' || x, '', TRUE, TRUE, FALSE, '2026-01-01 00:00:00Z', '2026-11-01 00:00:00Z' FROM generate_series(1, 4000) x;
            """);
        // 90 days back from now, spread evenly; one transaction per million rows.
        var nowMs = BenchClock.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        const long spanMs = 90L * 24 * 3600 * 1000;
        for (long done = 0; done < readings; done += 1_000_000)
        {
            var n = Math.Min(1_000_000, readings - done);
            await Exec($"""
                INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
                SELECT (SELECT min(id) FROM assets WHERE external_id LIKE 'pre-%') + (x % 4000),
                       (SELECT min(id) FROM unit_types) + (x % 2),
                       {nowMs} - (x * 7919 % {spanMs}), (x % 97) / 4.0, 'pre-' || x, NULL, {nowMs}, 'apikey:1'
                FROM generate_series({done}::bigint, {done + n - 1}::bigint) x;
                """);
            Console.Write($"\r  preloading readings: {done + n:N0}");
        }
        Console.WriteLine();
        await Exec("""
            INSERT INTO usage_daily_rollups (asset_id, unit_type_id, day, sum, count, max, last_timestamp_ms, last_value)
            SELECT asset_id, unit_type_id, to_char(to_timestamp(timestamp_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYYMMDD')::int AS day,
                   SUM(value), COUNT(*), MAX(value), MAX(timestamp_ms), 0
            FROM usage_readings GROUP BY asset_id, unit_type_id, day;
            ANALYZE;
            """);
        return $"preload: {readings:N0} readings and their rollups written by SQL in {clock.Elapsed.TotalSeconds:N0} s";
    }
}
