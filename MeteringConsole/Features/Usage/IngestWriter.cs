using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// The write half of ingest, inside one transaction. Built for volume: assets are resolved with
/// one query per source type, readings go through one prepared INSERT whose change count says
/// whether the event id was new (otherwise a duplicate), and rollups are upserted once per
/// (asset, unit type, day) rather than once per reading.
/// </summary>
internal sealed class IngestWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;
    private readonly BillingSettings _billing;
    private readonly Actor _actor;
    private readonly DateTime _now;
    private readonly string _nowText;
    private readonly long _nowMs;

    public IngestWriter(SqliteConnection connection, SqliteTransaction tx, BillingSettings billing, Actor actor, DateTime now)
    {
        _connection = connection;
        _tx = tx;
        _billing = billing;
        _actor = actor;
        _now = now;
        _nowText = SqlValues.InstantText(now);
        _nowMs = new DateTimeOffset(now).ToUnixTimeMilliseconds();
    }

    private sealed class Rollup
    {
        public double Sum, Max = double.MinValue, LastValue;
        public long Count, LastMs = long.MinValue;
    }

    public async Task<IngestResult> WriteAsync(List<(UsageEvent Event, int UnitTypeId)> events, ReferenceData reference, CancellationToken ct)
    {
        // A duplicate is settled before assets are looked at: resending an event must not create,
        // rename or claim an asset, nor create a source type.
        var fresh = await WithoutDuplicatesAsync(events, ct);
        var sourceTypes = await SourceTypesAsync(fresh.Select(e => e.Event.Source).Distinct(), ct);
        var resolver = new AssetResolver(this, reference.Suppressions, _actor);
        var resolved = await resolver.ResolveAsync(fresh.Select(e => (sourceTypes[e.Event.Source], e.Event)).ToList(), ct);

        var suppressionHits = new Dictionary<int, int>();
        var toStore = new List<(UsageEvent Event, int UnitTypeId, int AssetId)>(fresh.Count);
        for (var i = 0; i < fresh.Count; i++)
        {
            var (e, unitTypeId) = fresh[i];
            if (resolved[i] is { AssetId: int assetId }) toStore.Add((e, unitTypeId, assetId));
            else
            {
                var rule = resolved[i].SuppressedBy!.Value;
                suppressionHits[rule] = suppressionHits.GetValueOrDefault(rule) + 1;
            }
        }

        var rollups = new Dictionary<(int Asset, int Unit, int Day), Rollup>();
        var accepted = InsertReadings(toStore, rollups, ct);

        UpsertRollups(rollups);
        await CountSuppressionHitsAsync(suppressionHits, ct);
        var suppressed = suppressionHits.Values.Sum();
        return new IngestResult(accepted, events.Count - suppressed - accepted, suppressed);
    }

    /// <summary>
    /// The events whose id is neither stored already nor repeated earlier in the batch. Ids are
    /// compared exactly as sent (ordinal, untrimmed), as the unique index compares them.
    /// </summary>
    private async Task<List<(UsageEvent Event, int UnitTypeId)>> WithoutDuplicatesAsync(List<(UsageEvent Event, int UnitTypeId)> events, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        await using (var stored = Command("SELECT event_id FROM usage_readings WHERE event_id IN (SELECT value FROM json_each($ids))", "$ids"))
        {
            stored.Parameters["$ids"].Value = JsonSerializer.Serialize(events.Select(e => e.Event.EventId));
            await using var r = await stored.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) seen.Add(r.GetString(0));
        }
        return events.Where(e => seen.Add(e.Event.EventId)).ToList();
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
        insert.Parameters["$i"].Value = _nowMs;
        insert.Parameters["$by"].Value = _actor.SenderId;
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
            var key = (assetId, unitTypeId, _billing.DayOfUnixMs(ms));
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

    private async Task<Dictionary<string, int>> SourceTypesAsync(IEnumerable<string> names, CancellationToken ct)
    {
        var ids = new Dictionary<string, int>();
        await using var find = Command("SELECT id FROM source_types WHERE name = $n", "$n");
        await using var insert = Command("INSERT INTO source_types (name, created_at) VALUES ($n, $now) RETURNING id", "$n", "$now");
        foreach (var name in names)
        {
            find.Parameters["$n"].Value = name;
            if (await find.ExecuteScalarAsync(ct) is long id) { ids[name] = (int)id; continue; }
            insert.Parameters["$n"].Value = name;
            insert.Parameters["$now"].Value = _nowText;
            ids[name] = Convert.ToInt32(await insert.ExecuteScalarAsync(ct));
            await AuditAsync("Insert", "source_types", ids[name], null, new() { ["name"] = name }, ct);
        }
        return ids;
    }

    private async Task CountSuppressionHitsAsync(Dictionary<int, int> hits, CancellationToken ct)
    {
        if (hits.Count == 0) return;
        await using var update = Command("UPDATE ingest_suppressions SET hit_count = hit_count + $n, last_hit_at = $now WHERE id = $id", "$n", "$now", "$id");
        foreach (var (id, n) in hits)
        {
            update.Parameters["$n"].Value = n;
            update.Parameters["$now"].Value = _nowText;
            update.Parameters["$id"].Value = id;
            await update.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Assets and source types that ingest creates or assigns are audited like any other change.</summary>
    internal Task AuditAsync(string action, string table, int id, Dictionary<string, object?>? oldValues,
        Dictionary<string, object?>? newValues, CancellationToken ct)
        => AuditRows.InsertAsync(_connection, _tx, action, table, id.ToString(), _actor, _now,
            oldValues is null ? null : JsonSerializer.Serialize(oldValues), newValues is null ? null : JsonSerializer.Serialize(newValues), ct);

    internal string NowText => _nowText;

    internal SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter(p, null));
        return cmd;
    }
}
