using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// The write half of ingest on SQLite. Built for volume: assets are resolved with one query per
/// source type, readings go through one prepared INSERT whose change count says
/// whether the event id was new (otherwise a duplicate), and rollups are upserted once per
/// (asset, unit type, day) rather than once per reading.
/// </summary>
internal sealed class SqliteIngestWriter : IngestWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;

    public SqliteIngestWriter(SqliteConnection connection, SqliteTransaction tx, BillingSettings billing, Actor actor, DateTime now)
        : base(connection, tx, billing, actor, now)
    {
        _connection = connection;
        _tx = tx;
    }

    private sealed class Rollup
    {
        public double Sum, Max = double.MinValue, LastValue;
        public long Count, LastMs = long.MinValue;
    }

    protected override async Task<IReadOnlyCollection<string>> StoredEventIdsAsync(IReadOnlyList<string> eventIds, CancellationToken ct)
    {
        var stored = new List<string>();
        await using var cmd = Command("SELECT event_id FROM usage_readings WHERE event_id IN (SELECT value FROM json_each($ids))", "$ids");
        cmd.Parameters["$ids"].Value = JsonSerializer.Serialize(eventIds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) stored.Add(r.GetString(0));
        return stored;
    }

    protected override Task<int> StoreReadingsAsync(List<(UsageEvent Event, int UnitTypeId, int AssetId)> rows, CancellationToken ct)
    {
        var rollups = new Dictionary<(int Asset, int Unit, int Day), Rollup>();
        var accepted = InsertReadings(rows, rollups, ct);
        UpsertRollups(rollups);
        return Task.FromResult(accepted);
    }

    /// <summary>
    /// One prepared statement, re-executed per reading: SQLite binds parameters by name with a
    /// linear search, so a many-row VALUES list with thousands of parameters costs more than it saves.
    /// </summary>
    private int InsertReadings(List<(UsageEvent Event, int UnitTypeId, int AssetId)> rows, Dictionary<(int, int, int), Rollup> rollups, CancellationToken ct)
    {
        using var insert = Command("""
            INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
            VALUES ($a, $u, $t, $v, $e, $m, $i, $by) ON CONFLICT (event_id) DO NOTHING
            """, "$a", "$u", "$t", "$v", "$e", "$m", "$i", "$by");
        var (a, u, t, v, e, m) = (insert.Parameters["$a"], insert.Parameters["$u"], insert.Parameters["$t"], insert.Parameters["$v"], insert.Parameters["$e"], insert.Parameters["$m"]);
        insert.Parameters["$i"].Value = NowMs;
        insert.Parameters["$by"].Value = Actor.SenderId;
        insert.Prepare();

        var inserted = 0;
        foreach (var (ev, unitTypeId, assetId) in rows)
        {
            ct.ThrowIfCancellationRequested();
            var ms = ev.Timestamp.ToUnixTimeMilliseconds();
            (a.Value, u.Value, t.Value, v.Value, e.Value) = (assetId, unitTypeId, ms, ev.Value, ev.EventId);
            m.Value = ev.Metadata is null ? DBNull.Value : JsonSerializer.Serialize(ev.Metadata);
            // Synchronous on purpose: SQLite has no async I/O, and a Task per row is pure overhead.
            if (insert.ExecuteNonQuery() == 0) continue;
            inserted++;
            var key = (assetId, unitTypeId, Billing.DayOfUnixMs(ms));
            if (!rollups.TryGetValue(key, out var rollup)) rollups[key] = rollup = new Rollup();
            rollup.Sum += ev.Value;
            rollup.Count++;
            rollup.Max = Math.Max(rollup.Max, ev.Value);
            // The latest reading wins; among readings at the same instant, the last one sent.
            if (ms >= rollup.LastMs) (rollup.LastMs, rollup.LastValue) = (ms, ev.Value);
        }
        return inserted;
    }

    private void UpsertRollups(Dictionary<(int Asset, int Unit, int Day), Rollup> rollups)
    {
        using var upsert = Command("""
            INSERT INTO usage_daily_rollups (asset_id, unit_type_id, day, sum, count, max, last_timestamp_ms, last_value)
            VALUES ($a, $u, $d, $sum, $count, $max, $lt, $lv)
            ON CONFLICT (asset_id, unit_type_id, day) DO UPDATE SET
                sum = sum + excluded.sum,
                count = count + excluded.count,
                max = max(max, excluded.max),
                last_value = CASE WHEN excluded.last_timestamp_ms >= last_timestamp_ms THEN excluded.last_value ELSE last_value END,
                last_timestamp_ms = max(last_timestamp_ms, excluded.last_timestamp_ms)
            """, "$a", "$u", "$d", "$sum", "$count", "$max", "$lt", "$lv");
        upsert.Prepare();
        foreach (var ((asset, unit, day), r) in rollups)
        {
            upsert.Parameters["$a"].Value = asset;
            upsert.Parameters["$u"].Value = unit;
            upsert.Parameters["$d"].Value = day;
            upsert.Parameters["$sum"].Value = r.Sum;
            upsert.Parameters["$count"].Value = r.Count;
            upsert.Parameters["$max"].Value = r.Max;
            upsert.Parameters["$lt"].Value = r.LastMs;
            upsert.Parameters["$lv"].Value = r.LastValue;
            upsert.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter(p, null));
        return cmd;
    }

    // Assets (IAssetRows): one lookup per source type; inserts and renames row by row (rare); "last seen" in bulk.

    public override async Task<Dictionary<(int SourceTypeId, string ExternalId), ExistingAsset>> LookupAsync(IReadOnlyList<(int SourceTypeId, string ExternalId)> keys,
        CancellationToken ct)
    {
        var found = new Dictionary<(int, string), ExistingAsset>();
        foreach (var group in keys.GroupBy(k => k.SourceTypeId))
        {
            await using var cmd = Command("""
                SELECT id, external_id, client_id, acknowledged FROM assets
                WHERE source_type_id = $s AND external_id IN (SELECT value FROM json_each($ids))
                """, "$s", "$ids");
            cmd.Parameters["$s"].Value = group.Key;
            cmd.Parameters["$ids"].Value = JsonSerializer.Serialize(group.Select(k => k.ExternalId));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                found[(group.Key, r.GetString(1))] = new ExistingAsset(r.GetInt32(0), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetBoolean(3));
        }
        return found;
    }

    public override async Task<Dictionary<(int SourceTypeId, string ExternalId), int>> InsertAsync(IReadOnlyList<NewAsset> assets, CancellationToken ct)
    {
        var ids = new Dictionary<(int, string), int>();
        await using var cmd = Command("""
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at, last_seen_at)
            VALUES ($s, $x, $c, $n, $d, 0, 1, 0, $now, $now) RETURNING id
            """, "$s", "$x", "$c", "$n", "$d", "$now");
        foreach (var asset in assets)
        {
            cmd.Parameters["$s"].Value = asset.SourceTypeId;
            cmd.Parameters["$x"].Value = asset.ExternalId;
            cmd.Parameters["$c"].Value = (object?)asset.ClientId ?? DBNull.Value;
            cmd.Parameters["$n"].Value = asset.Name ?? asset.ExternalId;
            cmd.Parameters["$d"].Value = asset.Description ?? "";
            cmd.Parameters["$now"].Value = Now;
            var id = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
            ids[(asset.SourceTypeId, asset.ExternalId)] = id;
            await AuditAsync("Insert", "assets", id, null, asset.AuditValues(), ct);
        }
        return ids;
    }

    public override async Task UpdateAsync(IReadOnlyList<AssetChange> changes, CancellationToken ct)
    {
        await using (var cmd = Command("""
            UPDATE assets SET last_seen_at = $now, name = coalesce($n, name), description = coalesce($d, description),
                              client_id = coalesce(client_id, $c)
            WHERE id = $id
            """, "$now", "$n", "$d", "$c", "$id"))
            foreach (var change in changes.Where(c => !c.OnlySeen))
            {
                cmd.Parameters["$id"].Value = change.Id;
                cmd.Parameters["$now"].Value = Now;
                cmd.Parameters["$n"].Value = (object?)change.Name ?? DBNull.Value;
                cmd.Parameters["$d"].Value = (object?)change.Description ?? DBNull.Value;
                cmd.Parameters["$c"].Value = (object?)change.AssignTo ?? DBNull.Value;
                await cmd.ExecuteNonQueryAsync(ct);
                if (change.AssignTo is not null)
                    await AuditAsync("Update", "assets", change.Id, new() { ["client_id"] = null }, new() { ["client_id"] = change.AssignTo }, ct);
            }
        var seen = changes.Where(c => c.OnlySeen).Select(c => c.Id).ToList();
        if (seen.Count == 0) return;
        await using var touch = Command("UPDATE assets SET last_seen_at = $now WHERE id IN (SELECT value FROM json_each($ids))", "$now", "$ids");
        touch.Parameters["$now"].Value = Now;
        touch.Parameters["$ids"].Value = JsonSerializer.Serialize(seen);
        await touch.ExecuteNonQueryAsync(ct);
    }
}
