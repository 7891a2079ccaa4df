using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Features.Suppressions;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// Finds or creates the asset of every event in a batch: one lookup query per source type,
/// inserts for assets seen for the first time, one bulk "last seen" update, and individual
/// updates only where a name, description or client changes. Suppressed assets are never looked up or created.
/// A client-scoped key creates new assets for its client and claims unassigned ones an operator has
/// not acknowledged; another client's asset, or an acknowledged unassigned one, refuses the batch (403).
/// </summary>
internal sealed class AssetResolver
{
    private readonly IngestWriter _writer;
    private readonly SuppressionMatcher _suppressions;
    private readonly Actor _actor;

    public AssetResolver(IngestWriter writer, SuppressionMatcher suppressions, Actor actor)
    {
        _writer = writer;
        _suppressions = suppressions;
        _actor = actor;
    }

    private sealed record Existing(int Id, int? ClientId, bool Acknowledged);

    /// <summary>
    /// Per event, in order: its asset id, or the id of the suppression rule that drops it. The
    /// rule is decided once per asset (by its first event), so every event of that asset in the
    /// batch is dropped and counted against the same rule.
    /// </summary>
    public async Task<(int? AssetId, int? SuppressedBy)[]> ResolveAsync(List<(int SourceTypeId, UsageEvent Event)> events, CancellationToken ct)
    {
        // Suppression is decided per asset by its first event, as is the client a new asset gets.
        var first = new Dictionary<(int, string), UsageEvent>();
        var latest = new Dictionary<(int, string), (string? Name, string? Description)>();
        foreach (var (s, e) in events)
        {
            var key = (s, e.AssetId);
            first.TryAdd(key, e);
            var (name, description) = latest.GetValueOrDefault(key);
            latest[key] = (e.AssetName ?? name, e.AssetDescription ?? description);
        }
        var suppressed = new Dictionary<(int, string), int>();
        foreach (var (key, e) in first)
            if (_suppressions.MatchingRuleId(key.Item2, e.AssetName) is int rule) suppressed[key] = rule;

        var existing = await LookupAsync(first.Keys.Where(k => !suppressed.ContainsKey(k)).ToList(), ct);
        var ids = new Dictionary<(int, string), int>();
        var touched = new List<int>();
        foreach (var (key, e) in first)
        {
            if (suppressed.ContainsKey(key)) continue;
            var wantedClient = e.ClientId ?? _actor.ClientScope;
            var (name, description) = latest[key];
            if (!existing.TryGetValue(key, out var asset))
            {
                ids[key] = await InsertAsync(key.Item1, e.AssetId, wantedClient, name, description, ct);
                continue;
            }
            if (_actor.ClientScope is int scope && asset.ClientId is not null && asset.ClientId != scope)
                throw new ForbiddenException($"Asset {e.Source}/{e.AssetId} belongs to another client; this API key may only send usage for client {scope}.");
            // An operator who acknowledged an asset and left it unassigned decided where it stands; a
            // client's own key must not take it (and its usage) over. Unacknowledged ones it may claim.
            if (_actor.ClientScope is int claimant && asset.ClientId is null && asset.Acknowledged)
                throw new ForbiddenException($"Asset {e.Source}/{e.AssetId} is unassigned and was acknowledged by an operator; this API key "
                    + $"may send usage for it once an operator assigns it to client {claimant}.");
            ids[key] = asset.Id;
            var assign = asset.ClientId is null && wantedClient is not null;
            if (assign || name is not null || description is not null) await UpdateAsync(asset.Id, name, description, assign ? wantedClient : null, ct);
            else touched.Add(asset.Id);
        }
        await TouchAsync(touched, ct);
        return events.Select(x => (x.SourceTypeId, x.Event.AssetId) is var key && ids.TryGetValue(key, out var id)
            ? ((int?)id, (int?)null)
            : (null, suppressed[key])).ToArray();
    }

    private async Task<Dictionary<(int, string), Existing>> LookupAsync(List<(int SourceTypeId, string ExternalId)> keys, CancellationToken ct)
    {
        var found = new Dictionary<(int, string), Existing>();
        foreach (var group in keys.GroupBy(k => k.SourceTypeId))
        {
            await using var cmd = _writer.Command("""
                SELECT id, external_id, client_id, acknowledged FROM assets
                WHERE source_type_id = $s AND external_id IN (SELECT value FROM json_each($ids))
                """, "$s", "$ids");
            cmd.Parameters["$s"].Value = group.Key;
            cmd.Parameters["$ids"].Value = JsonSerializer.Serialize(group.Select(k => k.ExternalId));
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                found[(group.Key, r.GetString(1))] = new Existing(r.GetInt32(0), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetBoolean(3));
        }
        return found;
    }

    private async Task<int> InsertAsync(int sourceTypeId, string externalId, int? clientId, string? name, string? description, CancellationToken ct)
    {
        await using var cmd = _writer.Command("""
            INSERT INTO assets (source_type_id, external_id, client_id, name, description, acknowledged, enabled, disregarded, created_at, last_seen_at)
            VALUES ($s, $x, $c, $n, $d, 0, 1, 0, $now, $now) RETURNING id
            """, "$s", "$x", "$c", "$n", "$d", "$now");
        cmd.Parameters["$s"].Value = sourceTypeId;
        cmd.Parameters["$x"].Value = externalId;
        cmd.Parameters["$c"].Value = (object?)clientId ?? DBNull.Value;
        cmd.Parameters["$n"].Value = name ?? externalId;
        cmd.Parameters["$d"].Value = description ?? "";
        cmd.Parameters["$now"].Value = _writer.NowText;
        var id = Convert.ToInt32(await cmd.ExecuteScalarAsync(ct));
        await _writer.AuditAsync("Insert", "assets", id, null, new Dictionary<string, object?>
        {
            ["source_type_id"] = sourceTypeId, ["external_id"] = externalId, ["client_id"] = clientId,
            ["name"] = name ?? externalId, ["description"] = description ?? "", ["acknowledged"] = false,
        }, ct);
        return id;
    }

    private async Task UpdateAsync(int id, string? name, string? description, int? assignTo, CancellationToken ct)
    {
        await using var cmd = _writer.Command("""
            UPDATE assets SET last_seen_at = $now, name = coalesce($n, name), description = coalesce($d, description),
                              client_id = coalesce(client_id, $c)
            WHERE id = $id
            """, "$now", "$n", "$d", "$c", "$id");
        cmd.Parameters["$id"].Value = id;
        cmd.Parameters["$now"].Value = _writer.NowText;
        cmd.Parameters["$n"].Value = (object?)name ?? DBNull.Value;
        cmd.Parameters["$d"].Value = (object?)description ?? DBNull.Value;
        cmd.Parameters["$c"].Value = (object?)assignTo ?? DBNull.Value;
        await cmd.ExecuteNonQueryAsync(ct);
        if (assignTo is not null)
            await _writer.AuditAsync("Update", "assets", id, new() { ["client_id"] = null }, new() { ["client_id"] = assignTo }, ct);
    }

    private async Task TouchAsync(List<int> ids, CancellationToken ct)
    {
        if (ids.Count == 0) return;
        await using var cmd = _writer.Command("UPDATE assets SET last_seen_at = $now WHERE id IN (SELECT value FROM json_each($ids))", "$now", "$ids");
        cmd.Parameters["$now"].Value = _writer.NowText;
        cmd.Parameters["$ids"].Value = JsonSerializer.Serialize(ids);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
