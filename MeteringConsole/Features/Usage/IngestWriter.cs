using System.Data.Common;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// The write half of ingest, inside the batch's one transaction: the order of the steps and the
/// dedupe rules are the same on both providers; each provider's statements are its own, in its
/// fastest form (<see cref="SqliteIngestWriter"/>, <see cref="PostgreSqlIngestWriter"/>).
/// </summary>
internal abstract class IngestWriter : IAssetRows
{
    private readonly DbConnection _connection;
    private readonly DbTransaction _tx;

    protected IngestWriter(DbConnection connection, DbTransaction tx, BillingSettings billing, Actor actor, DateTime now)
    {
        _connection = connection;
        _tx = tx;
        Billing = billing;
        Actor = actor;
        Now = SqlValues.Instant(now);
        NowMs = new DateTimeOffset(Now).ToUnixTimeMilliseconds();
    }

    protected BillingSettings Billing { get; }
    protected Actor Actor { get; }
    /// <summary>The batch's instant (UTC): assets' last seen, audit entries, suppression hits.</summary>
    protected DateTime Now { get; }
    protected long NowMs { get; }

    public async Task<IngestResult> WriteAsync(List<(UsageEvent Event, int UnitTypeId)> events, ReferenceData reference, CancellationToken ct)
    {
        // A duplicate is settled before assets are looked at: resending an event must not create,
        // rename or claim an asset, nor create a source type. Ids are compared exactly as sent
        // (ordinal, untrimmed), as the unique index compares them; inside a batch the first one wins.
        var seen = new HashSet<string>(await StoredEventIdsAsync(events.Select(e => e.Event.EventId).ToList(), ct), StringComparer.Ordinal);
        var fresh = events.Where(e => seen.Add(e.Event.EventId)).ToList();
        var sourceTypes = await SourceTypesAsync(fresh.Select(e => e.Event.Source).Distinct(), ct);
        var resolver = new AssetResolver(this, reference.Suppressions, Actor);
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

        var accepted = await StoreReadingsAsync(toStore, ct);
        await CountSuppressionHitsAsync(suppressionHits, ct);
        var suppressed = suppressionHits.Values.Sum();
        return new IngestResult(accepted, events.Count - suppressed - accepted, suppressed);
    }

    /// <summary>Which of these event ids are stored already.</summary>
    protected abstract Task<IReadOnlyCollection<string>> StoredEventIdsAsync(IReadOnlyList<string> eventIds, CancellationToken ct);

    /// <summary>
    /// Stores the readings once per event id and adds them to the daily rollups, in the same
    /// transaction; returns how many were new (a reading another writer stored first is a duplicate).
    /// </summary>
    protected abstract Task<int> StoreReadingsAsync(List<(UsageEvent Event, int UnitTypeId, int AssetId)> rows, CancellationToken ct);

    public abstract Task<Dictionary<(int SourceTypeId, string ExternalId), ExistingAsset>> LookupAsync(
        IReadOnlyList<(int SourceTypeId, string ExternalId)> keys, CancellationToken ct);

    public abstract Task<Dictionary<(int SourceTypeId, string ExternalId), int>> InsertAsync(IReadOnlyList<NewAsset> assets, CancellationToken ct);

    public abstract Task UpdateAsync(IReadOnlyList<AssetChange> changes, CancellationToken ct);

    /// <summary>
    /// Source types by name, created (and audited) when new: a handful per batch, so one statement
    /// each. ON CONFLICT: on PostgreSQL another process may create the same one at the same moment.
    /// </summary>
    private async Task<Dictionary<string, int>> SourceTypesAsync(IEnumerable<string> names, CancellationToken ct)
    {
        var ids = new Dictionary<string, int>();
        await using var find = Command("SELECT id FROM source_types WHERE name = @n");
        var findName = find.AddParameter("@n", System.Data.DbType.String);
        await using var insert = Command("INSERT INTO source_types (name, created_at) VALUES (@n, @now) ON CONFLICT (name) DO NOTHING RETURNING id");
        var insertName = insert.AddParameter("@n", System.Data.DbType.String);
        insert.Bind("@now", Now);
        foreach (var name in names)
        {
            findName.Value = name;
            if (await find.ExecuteScalarAsync(ct) is { } found) { ids[name] = Convert.ToInt32(found); continue; }
            insertName.Value = name;
            if (await insert.ExecuteScalarAsync(ct) is not { } created)
            {
                ids[name] = Convert.ToInt32(await find.ExecuteScalarAsync(ct));
                continue;
            }
            ids[name] = Convert.ToInt32(created);
            await AuditAsync("Insert", "source_types", ids[name], null, new() { ["name"] = name }, ct);
        }
        return ids;
    }

    private async Task CountSuppressionHitsAsync(Dictionary<int, int> hits, CancellationToken ct)
    {
        if (hits.Count == 0) return;
        await using var update = Command("UPDATE ingest_suppressions SET hit_count = hit_count + @n, last_hit_at = @now WHERE id = @id");
        var (n, id) = (update.AddParameter("@n", System.Data.DbType.Int64), update.AddParameter("@id", System.Data.DbType.Int32));
        update.Bind("@now", Now);
        foreach (var (rule, count) in hits.OrderBy(h => h.Key))
        {
            (n.Value, id.Value) = ((long)count, rule);
            await update.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Assets and source types that ingest creates or assigns are audited like any other change.</summary>
    protected Task AuditAsync(string action, string table, int id, Dictionary<string, object?>? oldValues,
        Dictionary<string, object?>? newValues, CancellationToken ct)
        => AuditRows.InsertAsync(_connection, _tx, action, table, id.ToString(), Actor, Now,
            oldValues is null ? null : JsonSerializer.Serialize(oldValues), newValues is null ? null : JsonSerializer.Serialize(newValues), ct);

    private DbCommand Command(string sql) => _connection.Command(sql, _tx);
}
