using System.Text.Json;
using MeteringConsole.Common;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// The write half of ingest, inside one transaction: prepared statements reused for every
/// event, assets resolved once per (source, external id), rollups upserted once per
/// (asset, unit type, day).
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
        _nowText = DbText(now);
        _nowMs = new DateTimeOffset(now).ToUnixTimeMilliseconds();
    }

    private sealed record AssetState(int Id, int? ClientId, bool Suppressed);

    private sealed class Rollup
    {
        public double Sum, Max;
        public long Count, LastMs;
        public double LastValue;
    }

    public async Task<IngestResult> WriteAsync(List<(UsageEvent Event, int UnitTypeId)> events, ReferenceData reference, CancellationToken ct)
    {
        var sourceTypes = await SourceTypesAsync(events.Select(e => e.Event.Source).Distinct(), ct);
        var assets = new Dictionary<(int, string), AssetState>();
        var suppressionHits = new Dictionary<int, int>();
        var rollups = new Dictionary<(int Asset, int Unit, int Day), Rollup>();
        int accepted = 0, duplicates = 0, suppressed = 0;

        await using var findAsset = Command("SELECT id, client_id FROM assets WHERE source_type_id = $s AND external_id = $x", "$s", "$x");
        await using var insertAsset = Command("""
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at, last_seen_at)
            VALUES ($s, $x, $c, $n, $d, 0, 1, 0, $now, $now) RETURNING id
            """, "$s", "$x", "$c", "$n", "$d", "$now");
        await using var touchAsset = Command("""
            UPDATE assets SET last_seen_at = $now, name = coalesce($n, name), description = coalesce($d, description),
                              client_id = coalesce(client_id, $c)
            WHERE id = $id
            """, "$now", "$n", "$d", "$c", "$id");
        await using var insertReading = Command("""
            INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
            VALUES ($a, $u, $t, $v, $e, $m, $i, $by) ON CONFLICT (event_id) DO NOTHING
            """, "$a", "$u", "$t", "$v", "$e", "$m", "$i", "$by");
        insertReading.Parameters["$i"].Value = _nowMs;
        insertReading.Parameters["$by"].Value = _actor.SenderId;

        foreach (var (e, unitTypeId) in events)
        {
            var sourceTypeId = sourceTypes[e.Source];
            if (!assets.TryGetValue((sourceTypeId, e.AssetId), out var asset))
            {
                asset = await ResolveAssetAsync(e, sourceTypeId, reference, findAsset, insertAsset, touchAsset, ct);
                assets[(sourceTypeId, e.AssetId)] = asset;
            }
            if (asset.Suppressed)
            {
                suppressed++;
                var rule = reference.Suppressions.MatchingRuleId(e.AssetId, e.AssetName)!.Value;
                suppressionHits[rule] = suppressionHits.GetValueOrDefault(rule) + 1;
                continue;
            }

            var ms = e.Timestamp.ToUnixTimeMilliseconds();
            insertReading.Parameters["$a"].Value = asset.Id;
            insertReading.Parameters["$u"].Value = unitTypeId;
            insertReading.Parameters["$t"].Value = ms;
            insertReading.Parameters["$v"].Value = e.Value;
            insertReading.Parameters["$e"].Value = e.EventId;
            insertReading.Parameters["$m"].Value = e.Metadata is null ? DBNull.Value : JsonSerializer.Serialize(e.Metadata);
            if (await insertReading.ExecuteNonQueryAsync(ct) == 0)
            {
                duplicates++;
                continue;
            }
            accepted++;
            var key = (asset.Id, unitTypeId, _billing.DayOfUnixMs(ms));
            if (!rollups.TryGetValue(key, out var r)) rollups[key] = r = new Rollup { Max = double.MinValue, LastMs = long.MinValue };
            r.Sum += e.Value;
            r.Count++;
            r.Max = Math.Max(r.Max, e.Value);
            // The latest reading wins; among readings at the same instant, the last one sent.
            if (ms >= r.LastMs) (r.LastMs, r.LastValue) = (ms, e.Value);
        }

        await UpsertRollupsAsync(rollups, ct);
        await CountSuppressionHitsAsync(suppressionHits, ct);
        return new IngestResult(accepted, duplicates, suppressed);
    }

    private async Task<AssetState> ResolveAssetAsync(UsageEvent e, int sourceTypeId, ReferenceData reference,
        SqliteCommand find, SqliteCommand insert, SqliteCommand touch, CancellationToken ct)
    {
        // Suppressed events create nothing and store nothing, whether or not the asset exists.
        if (reference.Suppressions.MatchingRuleId(e.AssetId, e.AssetName) is not null)
            return new AssetState(0, null, Suppressed: true);

        find.Parameters["$s"].Value = sourceTypeId;
        find.Parameters["$x"].Value = e.AssetId;
        int? id = null, clientId = null;
        await using (var r = await find.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct)) (id, clientId) = (r.GetInt32(0), r.IsDBNull(1) ? null : r.GetInt32(1));

        var wantedClient = e.ClientId ?? _actor.ClientScope;
        if (id is null)
        {
            insert.Parameters["$s"].Value = sourceTypeId;
            insert.Parameters["$x"].Value = e.AssetId;
            insert.Parameters["$c"].Value = (object?)wantedClient ?? DBNull.Value;
            insert.Parameters["$n"].Value = e.AssetName ?? e.AssetId;
            insert.Parameters["$d"].Value = e.AssetDescription ?? "";
            insert.Parameters["$now"].Value = _nowText;
            var newId = Convert.ToInt32(await insert.ExecuteScalarAsync(ct));
            await AuditAsync("Insert", "assets", newId, null, new Dictionary<string, object?>
            {
                ["source_type_id"] = sourceTypeId, ["external_id"] = e.AssetId, ["client_id"] = wantedClient,
                ["name"] = e.AssetName ?? e.AssetId, ["description"] = e.AssetDescription ?? "", ["acknowledged"] = false,
            }, ct);
            return new AssetState(newId, wantedClient, false);
        }

        if (_actor.ClientScope is int scope && clientId is not null && clientId != scope)
            throw new ForbiddenException($"Asset {e.Source}/{e.AssetId} belongs to another client; this API key may only send usage for client {scope}.");
        touch.Parameters["$id"].Value = id.Value;
        touch.Parameters["$now"].Value = _nowText;
        touch.Parameters["$n"].Value = (object?)e.AssetName ?? DBNull.Value;
        touch.Parameters["$d"].Value = (object?)e.AssetDescription ?? DBNull.Value;
        touch.Parameters["$c"].Value = (object?)wantedClient ?? DBNull.Value;
        await touch.ExecuteNonQueryAsync(ct);
        if (clientId is null && wantedClient is not null)
        {
            await AuditAsync("Update", "assets", id.Value, new() { ["client_id"] = null }, new() { ["client_id"] = wantedClient }, ct);
            clientId = wantedClient;
        }
        return new AssetState(id.Value, clientId, false);
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

    private async Task UpsertRollupsAsync(Dictionary<(int Asset, int Unit, int Day), Rollup> rollups, CancellationToken ct)
    {
        await using var upsert = Command("""
            INSERT INTO usage_daily_rollups (asset_id, unit_type_id, day, sum, count, max, last_timestamp_ms, last_value)
            VALUES ($a, $u, $d, $sum, $count, $max, $lt, $lv)
            ON CONFLICT (asset_id, unit_type_id, day) DO UPDATE SET
                sum = sum + excluded.sum,
                count = count + excluded.count,
                max = max(max, excluded.max),
                last_value = CASE WHEN excluded.last_timestamp_ms >= last_timestamp_ms THEN excluded.last_value ELSE last_value END,
                last_timestamp_ms = max(last_timestamp_ms, excluded.last_timestamp_ms)
            """, "$a", "$u", "$d", "$sum", "$count", "$max", "$lt", "$lv");
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
            await upsert.ExecuteNonQueryAsync(ct);
        }
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

    /// <summary>Assets and source types that ingest creates are audited like any other change.</summary>
    private async Task AuditAsync(string action, string table, int id, Dictionary<string, object?>? oldValues,
        Dictionary<string, object?>? newValues, CancellationToken ct)
    {
        await using var cmd = Command("""
            INSERT INTO audit_entries (action, "table", record_id, actor, user_id, api_key_id, created_at, old_values, new_values)
            VALUES ($action, $table, $record, $actor, $user, $key, $at, $old, $new)
            """, "$action", "$table", "$record", "$actor", "$user", "$key", "$at", "$old", "$new");
        cmd.Parameters["$action"].Value = action;
        cmd.Parameters["$table"].Value = table;
        cmd.Parameters["$record"].Value = id.ToString();
        cmd.Parameters["$actor"].Value = _actor.Label;
        cmd.Parameters["$user"].Value = (object?)_actor.UserId ?? DBNull.Value;
        cmd.Parameters["$key"].Value = (object?)_actor.ApiKeyId ?? DBNull.Value;
        cmd.Parameters["$at"].Value = _nowText;
        cmd.Parameters["$old"].Value = oldValues is null ? DBNull.Value : JsonSerializer.Serialize(oldValues);
        cmd.Parameters["$new"].Value = newValues is null ? DBNull.Value : JsonSerializer.Serialize(newValues);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        foreach (var p in parameters) cmd.Parameters.Add(new SqliteParameter(p, null));
        return cmd;
    }

    /// <summary>DateTime as EF Core 6 writes it to SQLite, so EF reads what this writes.</summary>
    internal static string DbText(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);
}
