using System.Text.Json;
using MeteringConsole.Common;
using Npgsql;
using NpgsqlTypes;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// The write half of ingest on PostgreSQL, set-wise: a batch costs a handful of round trips
/// whatever its size. Stored ids are found with one <c>= ANY(array)</c> probe of the unique index;
/// assets are looked up, created and updated with one statement each over arrays (<c>unnest</c>);
/// the readings go in by binary COPY into a temporary table, and one statement then inserts them
/// with <c>ON CONFLICT (event_id) DO NOTHING</c> and upserts the daily rollups from exactly the rows
/// it inserted. Rows are written in key order (event id; asset, unit type, day) so that batches of
/// two processes meeting on the same rows take their locks in one order.
/// </summary>
internal sealed class PostgreSqlIngestWriter : IngestWriter
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _tx;

    public PostgreSqlIngestWriter(NpgsqlConnection connection, NpgsqlTransaction tx, BillingSettings billing, Actor actor, DateTime now)
        : base(connection, tx, billing, actor, now)
    {
        _connection = connection;
        _tx = tx;
    }

    protected override async Task<IReadOnlyCollection<string>> StoredEventIdsAsync(IReadOnlyList<string> eventIds, CancellationToken ct)
    {
        var stored = new List<string>();
        await using var cmd = Command("SELECT event_id FROM usage_readings WHERE event_id = ANY(@ids)");
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("ids", eventIds.ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) stored.Add(r.GetString(0));
        return stored;
    }

    protected override async Task<int> StoreReadingsAsync(List<(UsageEvent Event, int UnitTypeId, int AssetId)> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return 0;
        // Dropped at COMMIT (or with the transaction on ROLLBACK): nothing outlives the batch.
        await using (var create = Command("""
            CREATE TEMP TABLE ingest_staging (
                event_id text NOT NULL, asset_id integer NOT NULL, unit_type_id integer NOT NULL, day integer NOT NULL,
                timestamp_ms bigint NOT NULL, value double precision NOT NULL, metadata text, ord integer NOT NULL
            ) ON COMMIT DROP
            """))
            await create.ExecuteNonQueryAsync(ct);

        await using (var copy = await _connection.BeginBinaryImportAsync(
            "COPY ingest_staging (event_id, asset_id, unit_type_id, day, timestamp_ms, value, metadata, ord) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < rows.Count; i++)
            {
                var (e, unitTypeId, assetId) = rows[i];
                var ms = e.Timestamp.ToUnixTimeMilliseconds();
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(e.EventId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(assetId, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(unitTypeId, NpgsqlDbType.Integer, ct);
                // The day in the billing time zone, as .NET computes it everywhere else.
                await copy.WriteAsync(Billing.DayOfUnixMs(ms), NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(ms, NpgsqlDbType.Bigint, ct);
                await copy.WriteAsync(e.Value, NpgsqlDbType.Double, ct);
                if (e.Metadata is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(JsonSerializer.Serialize(e.Metadata), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(i, NpgsqlDbType.Integer, ct);
            }
            await copy.CompleteAsync(ct);
        }

        // One statement: the readings not stored yet (another process may have stored some since the
        // duplicate check), then the rollups of exactly those. A day's sum adds the readings in the order
        // sent and its last value is the latest reading's (the last one sent among equal instants), as on SQLite.
        await using var insert = Command("""
            WITH inserted AS (
                INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
                SELECT asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, @ingested, @by
                FROM ingest_staging ORDER BY event_id COLLATE "C"
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id
            ), days AS (
                SELECT s.asset_id, s.unit_type_id, s.day, SUM(s.value ORDER BY s.ord) AS sum, COUNT(*) AS count, MAX(s.value) AS max,
                       MAX(s.timestamp_ms) AS last_timestamp_ms, (array_agg(s.value ORDER BY s.timestamp_ms DESC, s.ord DESC))[1] AS last_value
                FROM ingest_staging s JOIN inserted i ON i.event_id = s.event_id
                GROUP BY s.asset_id, s.unit_type_id, s.day
            ), rolled AS (
                INSERT INTO usage_daily_rollups AS r (asset_id, unit_type_id, day, sum, count, max, last_timestamp_ms, last_value)
                SELECT asset_id, unit_type_id, day, sum, count, max, last_timestamp_ms, last_value
                FROM days ORDER BY asset_id, unit_type_id, day
                ON CONFLICT (asset_id, unit_type_id, day) DO UPDATE SET
                    sum = r.sum + excluded.sum,
                    count = r.count + excluded.count,
                    max = GREATEST(r.max, excluded.max),
                    last_value = CASE WHEN excluded.last_timestamp_ms >= r.last_timestamp_ms THEN excluded.last_value ELSE r.last_value END,
                    last_timestamp_ms = GREATEST(r.last_timestamp_ms, excluded.last_timestamp_ms)
                RETURNING 1
            )
            SELECT (SELECT COUNT(*) FROM inserted), (SELECT COUNT(*) FROM rolled)
            """);
        insert.Parameters.Add(new NpgsqlParameter<long>("ingested", NowMs));
        insert.Parameters.Add(new NpgsqlParameter<string>("by", Actor.SenderId));
        await using var reader = await insert.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return checked((int)reader.GetInt64(0));
    }

    // Assets (IAssetRows): one statement each over arrays.

    public override async Task<Dictionary<(int SourceTypeId, string ExternalId), ExistingAsset>> LookupAsync(
        IReadOnlyList<(int SourceTypeId, string ExternalId)> keys, CancellationToken ct)
    {
        var found = new Dictionary<(int, string), ExistingAsset>();
        if (keys.Count == 0) return found;
        await using var cmd = Command("""
            SELECT a.id, a.source_type_id, a.external_id, a.client_id, a.acknowledged
            FROM unnest(@s, @x) AS k(s, x) JOIN assets a ON a.source_type_id = k.s AND a.external_id = k.x
            """);
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("s", keys.Select(k => k.SourceTypeId).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("x", keys.Select(k => k.ExternalId).ToArray()));
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found[(r.GetInt32(1), r.GetString(2))] = new ExistingAsset(r.GetInt32(0), r.IsDBNull(3) ? null : r.GetInt32(3), r.GetBoolean(4));
        return found;
    }

    public override async Task<Dictionary<(int SourceTypeId, string ExternalId), int>> InsertAsync(IReadOnlyList<NewAsset> assets, CancellationToken ct)
    {
        var ids = new Dictionary<(int, string), int>();
        // In the order first seen, so ids are given as on SQLite; one another process inserted a moment ago is skipped.
        await using (var cmd = Command("""
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at, last_seen_at)
            SELECT s, x, c, n, d, FALSE, TRUE, FALSE, @now, @now
            FROM unnest(@s, @x, @c, @n, @d) WITH ORDINALITY AS t(s, x, c, n, d, i) ORDER BY i
            ON CONFLICT (source_type_id, external_id) DO NOTHING
            RETURNING id, source_type_id, external_id
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter<DateTime>("now", Now));
            cmd.Parameters.Add(new NpgsqlParameter<int[]>("s", assets.Select(a => a.SourceTypeId).ToArray()));
            cmd.Parameters.Add(new NpgsqlParameter<string[]>("x", assets.Select(a => a.ExternalId).ToArray()));
            cmd.Parameters.Add(new NpgsqlParameter<int?[]>("c", assets.Select(a => a.ClientId).ToArray()));
            cmd.Parameters.Add(new NpgsqlParameter<string[]>("n", assets.Select(a => a.Name ?? a.ExternalId).ToArray()));
            cmd.Parameters.Add(new NpgsqlParameter<string[]>("d", assets.Select(a => a.Description ?? "").ToArray()));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) ids[(r.GetInt32(1), r.GetString(2))] = r.GetInt32(0);
        }
        var created = assets.Where(a => ids.ContainsKey((a.SourceTypeId, a.ExternalId))).OrderBy(a => ids[(a.SourceTypeId, a.ExternalId)]).ToList();
        await AuditManyAsync("Insert", "assets", created.Select(a => ids[(a.SourceTypeId, a.ExternalId)]).ToArray(), null,
            created.Select(a => JsonSerializer.Serialize(a.AuditValues())).ToArray(), ct);
        return ids;
    }

    public override async Task UpdateAsync(IReadOnlyList<AssetChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0) return;
        var ordered = changes.OrderBy(c => c.Id).ToList();
        await using (var cmd = Command("""
            UPDATE assets a SET last_seen_at = @now, name = COALESCE(t.n, a.name), description = COALESCE(t.d, a.description),
                                client_id = COALESCE(a.client_id, t.c)
            FROM unnest(@id, @n, @d, @c) AS t(id, n, d, c)
            WHERE a.id = t.id AND (a.last_seen_at IS NULL OR a.last_seen_at < @stale OR t.n IS DISTINCT FROM NULL AND t.n <> a.name
                                   OR t.d IS DISTINCT FROM NULL AND t.d <> a.description OR t.c IS DISTINCT FROM NULL AND a.client_id IS NULL)
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter<DateTime>("now", Now));
            // An asset seen within the last minute and otherwise unchanged is left alone: its row is
            // not locked, so concurrent batches (of this console or another) naming the same assets,
            // as every batch of a source does, do not queue behind each other's updates until commit.
            cmd.Parameters.Add(new NpgsqlParameter<DateTime>("stale", Now - LastSeenPrecision));
            cmd.Parameters.Add(new NpgsqlParameter<int[]>("id", ordered.Select(c => c.Id).ToArray()));
            cmd.Parameters.Add(new NpgsqlParameter<string?[]>("n", ordered.Select(c => c.Name).ToArray()));
            cmd.Parameters.Add(new NpgsqlParameter<string?[]>("d", ordered.Select(c => c.Description).ToArray()));
            cmd.Parameters.Add(new NpgsqlParameter<int?[]>("c", ordered.Select(c => c.AssignTo).ToArray()));
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var assigned = ordered.Where(c => c.AssignTo is not null).ToList();
        await AuditManyAsync("Update", "assets", assigned.Select(c => c.Id).ToArray(),
            JsonSerializer.Serialize(new Dictionary<string, object?> { ["client_id"] = null }),
            assigned.Select(c => JsonSerializer.Serialize(new Dictionary<string, object?> { ["client_id"] = c.AssignTo })).ToArray(), ct);
    }

    /// <summary>The entries <see cref="Data.AuditRows"/> writes one by one, for many rows in one statement.</summary>
    private async Task AuditManyAsync(string action, string table, int[] ids, string? oldValues, string[] newValues, CancellationToken ct)
    {
        if (ids.Length == 0) return;
        await using var cmd = Command("""
            INSERT INTO audit_entries (action, "table", record_id, actor, user_id, api_key_id, created_at, old_values, new_values)
            SELECT @action, @table, t.id::text, @actor, @user, @key, @at, @old, t.v
            FROM unnest(@ids, @new) WITH ORDINALITY AS t(id, v, i) ORDER BY t.i
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string>("action", action));
        cmd.Parameters.Add(new NpgsqlParameter<string>("table", table));
        cmd.Parameters.Add(new NpgsqlParameter<string>("actor", Actor.Label));
        cmd.Parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Text) { Value = (object?)Actor.UserId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Integer) { Value = (object?)Actor.ApiKeyId ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<DateTime>("at", Now));
        cmd.Parameters.Add(new NpgsqlParameter("old", NpgsqlDbType.Text) { Value = (object?)oldValues ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<int[]>("ids", ids));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("new", newValues));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>How stale an asset's <c>last_seen_at</c> may be on PostgreSQL before a batch naming it updates it.</summary>
    public static readonly TimeSpan LastSeenPrecision = TimeSpan.FromMinutes(1);

    private NpgsqlCommand Command(string sql) => new(sql, _connection, _tx);
}
