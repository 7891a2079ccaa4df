using MeteringConsole.Common;
using MeteringConsole.Features.Suppressions;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// Finds or creates the asset of every event in a batch: one lookup, inserts for assets seen for
/// the first time, and updates of the others (last seen; a name, description or client where it
/// changes), each in bulk where the provider allows (<see cref="IAssetRows"/>). Suppressed assets
/// are never looked up or created.
/// A client-scoped key creates new assets for its client and claims unassigned ones an operator has
/// not acknowledged; another client's asset, or an acknowledged unassigned one, refuses the batch (403).
/// </summary>
internal sealed class AssetResolver
{
    private readonly IAssetRows _rows;
    private readonly SuppressionMatcher _suppressions;
    private readonly Actor _actor;

    public AssetResolver(IAssetRows rows, SuppressionMatcher suppressions, Actor actor)
    {
        _rows = rows;
        _suppressions = suppressions;
        _actor = actor;
    }

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

        var wanted = first.Keys.Where(k => !suppressed.ContainsKey(k)).ToList();
        var existing = await _rows.LookupAsync(wanted, ct);
        var ids = new Dictionary<(int, string), int>();
        var changes = new List<AssetChange>();
        var fresh = wanted.Where(k => !existing.ContainsKey(k))
            .Select(k => new NewAsset(k.Item1, k.Item2, first[k].ClientId ?? _actor.ClientScope, latest[k].Name, latest[k].Description)).ToList();
        if (fresh.Count > 0)
        {
            var created = await _rows.InsertAsync(fresh, ct);
            foreach (var (key, id) in created) ids[key] = id;
            // PostgreSQL: another console process created some of them a moment ago; they are existing assets now.
            var raced = fresh.Select(a => (a.SourceTypeId, a.ExternalId)).Where(k => !created.ContainsKey(k)).ToList();
            if (raced.Count > 0)
                foreach (var (key, asset) in await _rows.LookupAsync(raced, ct)) existing[key] = asset;
        }
        foreach (var key in wanted)
        {
            if (!existing.TryGetValue(key, out var asset)) continue;
            var e = first[key];
            if (_actor.ClientScope is int scope && asset.ClientId is not null && asset.ClientId != scope)
                throw new ForbiddenException($"Asset {e.Source}/{e.AssetId} belongs to another client; this API key may only send usage for client {scope}.");
            // An operator who acknowledged an asset and left it unassigned decided where it stands; a
            // client's own key must not take it (and its usage) over. Unacknowledged ones it may claim.
            if (_actor.ClientScope is int claimant && asset.ClientId is null && asset.Acknowledged)
                throw new ForbiddenException($"Asset {e.Source}/{e.AssetId} is unassigned and was acknowledged by an operator; this API key "
                    + $"may send usage for it once an operator assigns it to client {claimant}.");
            ids[key] = asset.Id;
            var wantedClient = e.ClientId ?? _actor.ClientScope;
            var (name, description) = latest[key];
            var assign = asset.ClientId is null && wantedClient is not null;
            changes.Add(new AssetChange(asset.Id, name, description, assign ? wantedClient : null));
        }
        await _rows.UpdateAsync(changes, ct);
        return events.Select(x => (x.SourceTypeId, x.Event.AssetId) is var key && ids.TryGetValue(key, out var id)
            ? ((int?)id, (int?)null)
            : (null, suppressed[key])).ToArray();
    }
}

internal sealed record ExistingAsset(int Id, int? ClientId, bool Acknowledged);

/// <summary>An asset ingest sees for the first time: named after its external id unless the events name it.</summary>
internal sealed record NewAsset(int SourceTypeId, string ExternalId, int? ClientId, string? Name, string? Description)
{
    public Dictionary<string, object?> AuditValues() => new()
    {
        ["source_type_id"] = SourceTypeId, ["external_id"] = ExternalId, ["client_id"] = ClientId,
        ["name"] = Name ?? ExternalId, ["description"] = Description ?? "", ["acknowledged"] = false,
    };
}

/// <summary>An existing asset seen again: last seen now; a new name or description if sent; a client if it had none and one is wanted.</summary>
internal sealed record AssetChange(int Id, string? Name, string? Description, int? AssignTo)
{
    public bool OnlySeen => Name is null && Description is null && AssignTo is null;
}

/// <summary>The asset statements of one ingest transaction, in each provider's fastest form.</summary>
internal interface IAssetRows
{
    Task<Dictionary<(int SourceTypeId, string ExternalId), ExistingAsset>> LookupAsync(IReadOnlyList<(int SourceTypeId, string ExternalId)> keys, CancellationToken ct);

    /// <summary>Creates (and audits) the assets; returns the ids of those created (on PostgreSQL, one another process just created is left out).</summary>
    Task<Dictionary<(int SourceTypeId, string ExternalId), int>> InsertAsync(IReadOnlyList<NewAsset> assets, CancellationToken ct);

    /// <summary>Applies the changes (auditing client assignments).</summary>
    Task UpdateAsync(IReadOnlyList<AssetChange> changes, CancellationToken ct);
}
