using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Suppressions;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Provisioning;

public sealed record ProvisioningResult(int BucketsCreated, int AssetsBound)
{
    public string Summary => $"{BucketsCreated} bucket{(BucketsCreated == 1 ? "" : "s")} created, {AssetsBound} asset{(AssetsBound == 1 ? "" : "s")} bound";
}

/// <summary>
/// Provisions buckets from the unit types that have auto-provisioning on. An asset matches a unit
/// type when it reports that unit type and its external id or name matches the template's filter
/// pattern (empty: every asset). For each enabled client with matching assets of a source type and
/// no bucket of that source and unit type, it creates an unreviewed bucket with the template's
/// rates and commit 0, bound to those assets; matching assets that are bound to no bucket of the
/// unit type are bound to the client's auto-provisioned bucket. Buckets a person made are left
/// alone. Everything goes through EF, so the audit log shows each bucket and binding.
/// </summary>
public sealed class AutoProvisioner
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly TimeProvider _clock;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _settings;

    public AutoProvisioner(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, BillingSettings settings, TimeProvider clock)
    {
        _settings = settings;
        _clock = clock;
        _dbs = dbs;
        _actor = actor;
    }

    public async Task<ProvisioningResult> RunAsync(CancellationToken ct = default)
    {
        await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync(ct);
        var unitTypes = await db.UnitTypes.Where(u => u.AutoProvision).OrderBy(u => u.Id).ToListAsync(ct);
        var sources = await db.SourceTypes.ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        // A proposed bucket's contract starts with the period it is proposed in, as a bucket a person creates.
        var contractStart = _settings.PeriodContaining(now).Start;
        int created = 0, bound = 0;
        foreach (var unit in unitTypes)
        {
            var unitId = unit.Id;
            var candidates = await db.Assets
                .Where(a => a.ClientId != null && a.Client!.Enabled && !a.Disregarded
                            && db.UsageDailyRollups.Any(r => r.AssetId == a.Id && r.UnitTypeId == unitId))
                .Select(a => new { a.Id, ClientId = a.ClientId!.Value, a.SourceTypeId, a.ExternalId, a.Name,
                    BoundForUnit = a.Bindings.Any(b => b.Bucket!.UnitTypeId == unitId) })
                .ToListAsync(ct);
            var matching = candidates.Where(a => unit.FilterPattern.Length == 0
                || Glob.IsMatch(unit.FilterPattern, a.ExternalId) || Glob.IsMatch(unit.FilterPattern, a.Name));
            foreach (var group in matching.GroupBy(a => (a.ClientId, a.SourceTypeId)).OrderBy(g => g.Key.ClientId).ThenBy(g => g.Key.SourceTypeId))
            {
                var (clientId, sourceId) = group.Key;
                var unbound = group.Where(a => !a.BoundForUnit).Select(a => a.Id).ToList();
                if (unbound.Count == 0) continue;
                var existing = await db.BillingBuckets.Include(b => b.Assets)
                    .Where(b => b.ClientId == clientId && b.SourceTypeId == sourceId && b.UnitTypeId == unitId).ToListAsync(ct);
                if (existing.Count == 0)
                {
                    db.BillingBuckets.Add(new BillingBucket
                    {
                        ClientId = clientId, Name = await FreeNameAsync(db, clientId, $"{sources[sourceId]} {unit.Name}", ct),
                        SourceTypeId = sourceId, UnitTypeId = unitId, Aggregation = unit.Aggregation, Commit = 0,
                        BaseRate = unit.BaseRate, OverageRate = unit.OverageRate, Reviewed = false, Enabled = true, AutoProvisioned = true,
                        CreatedAt = now, StartsOn = contractStart, Assets = unbound.Select(id => new BucketAsset { AssetId = id, BoundAt = now }).ToList(),
                    });
                    created++;
                    bound += unbound.Count;
                }
                else if (existing.FirstOrDefault(b => b.AutoProvisioned) is { } auto)
                {
                    foreach (var id in unbound) auto.Assets.Add(new BucketAsset { BucketId = auto.Id, AssetId = id, BoundAt = now });
                    bound += unbound.Count;
                }
            }
            // Saved per unit type, so the next unit type sees this one's buckets and bindings.
            await db.SaveChangesAsync(ct);
        }
        return new ProvisioningResult(created, bound);
    }

    private static async Task<string> FreeNameAsync(AppDbContext db, int clientId, string name, CancellationToken ct)
    {
        var taken = (await db.BillingBuckets.Where(b => b.ClientId == clientId).Select(b => b.Name).ToListAsync(ct))
            .Concat(db.BillingBuckets.Local.Where(b => b.ClientId == clientId).Select(b => b.Name))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var candidate = name;
        for (var i = 2; taken.Contains(candidate); i++) candidate = $"{name} ({i})";
        return candidate;
    }
}
