using System.Diagnostics;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.IngestBench;

/// <summary>
/// Fills a database with N readings (and their rollups) by SQL, far faster than ingest, so the
/// "already stored" runs start from a realistic 10-million-row table with every index in place.
/// </summary>
public static class Preload
{
    public static async Task<string> FillAsync(string databasePath, long readings)
    {
        var clock = Stopwatch.StartNew();
        // Let the app create the schema, its key and unit types first.
        await using (var app = await BenchApp.StartAsync(Path.GetDirectoryName(databasePath)!, Path.GetFileName(databasePath))) { }

        await using var connection = await SqliteSetup.OpenAsync($"Data Source={databasePath}");
        async Task Exec(string sql)
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync();
        }
        await Exec("PRAGMA cache_size = -262144");
        await Exec("""
            INSERT INTO clients (name, enabled, created_at, alert_emails)
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200)
            SELECT 'Preloaded client ' || x, 1, '2026-01-01 00:00:00', '' FROM c;
            INSERT OR IGNORE INTO source_types (name, created_at) VALUES ('vmware', '2026-01-01 00:00:00');
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at, last_seen_at)
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000)
            SELECT (SELECT id FROM source_types WHERE name = 'vmware'), 'pre-' || x, (SELECT min(id) FROM clients WHERE name LIKE 'Preloaded%') + (x % 200),
                   'pre-' || x, '', 1, 1, 0, '2026-01-01 00:00:00', '2026-11-01 00:00:00' FROM c;
            """);
        // 90 days back from now, spread evenly; one transaction per million rows.
        var nowMs = BenchClock.UtcNow.AddHours(-1).ToUnixTimeMilliseconds();
        const long spanMs = 90L * 24 * 3600 * 1000;
        for (long done = 0; done < readings; done += 1_000_000)
        {
            var n = Math.Min(1_000_000, readings - done);
            await Exec($"""
                BEGIN;
                INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
                WITH RECURSIVE c(x) AS (SELECT {done} UNION ALL SELECT x + 1 FROM c WHERE x < {done + n - 1})
                SELECT (SELECT min(id) FROM assets WHERE external_id LIKE 'pre-%') + (x % 4000),
                       (SELECT min(id) FROM unit_types) + (x % 2),
                       {nowMs} - (x * 7919 % {spanMs}), (x % 97) / 4.0, 'pre-' || x, NULL, {nowMs}, 'apikey:1'
                FROM c;
                COMMIT;
                """);
            Console.Write($"\r  preloading readings: {done + n:N0}");
        }
        Console.WriteLine();
        await Exec("""
            INSERT INTO usage_daily_rollups (asset_id, unit_type_id, day, sum, count, max, last_timestamp_ms, last_value)
            SELECT asset_id, unit_type_id, CAST(strftime('%Y%m%d', timestamp_ms / 1000, 'unixepoch') AS INTEGER) AS day,
                   SUM(value), COUNT(*), MAX(value), MAX(timestamp_ms), 0
            FROM usage_readings GROUP BY asset_id, unit_type_id, day;
            PRAGMA wal_checkpoint(TRUNCATE);
            """);
        SqliteConnection.ClearAllPools();
        return $"preload: {readings:N0} readings and their rollups written by SQL in {clock.Elapsed.TotalSeconds:N0} s";
    }
}
