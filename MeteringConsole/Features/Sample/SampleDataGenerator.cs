using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Account;
using MeteringConsole.Features.ApiKeys;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Clients;
using MeteringConsole.Features.Jobs;
using MeteringConsole.Features.Projections;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Sample;

internal sealed record SampleSummary(int Clients, int Assets, int Readings, int Rollups, int Buckets, int Bindings, int Suppressions);

/// <summary>
/// Writes the sample plan into a freshly migrated database: users, clients and API keys through the
/// app's services, the registries without a service yet through EF (so they are audited like any
/// configuration change), the readings in bulk over a raw connection, as ingest does, then the
/// billing history and the alerting set-up (<see cref="SampleAlerts"/>).
/// </summary>
internal sealed class SampleDataGenerator
{
    private readonly AppDbContext _db;
    private readonly UserService _users;
    private readonly ClientService _clients;
    private readonly ApiKeyService _apiKeys;
    private readonly DatabaseOptions _database;
    private readonly SampleBilling _billing;
    private readonly BillingSettings _settings;
    private readonly SampleAlerts _alerts;

    public SampleDataGenerator(AppDbContext db, UserService users, ClientService clients, ApiKeyService apiKeys, DatabaseOptions database,
        SampleBilling billing, SampleAlerts alerts, BillingSettings settings)
    {
        _alerts = alerts;
        _settings = settings;
        _db = db;
        _users = users;
        _clients = clients;
        _apiKeys = apiKeys;
        _database = database;
        _billing = billing;
    }

    /// <param name="progress">Told what is done, step by step: the console logs it while a first start waits on it.</param>
    public async Task<SampleSummary> GenerateAsync(DateTime anchor, CancellationToken ct = default, Action<string>? progress = null)
    {
        var plan = SamplePlanner.Create(anchor);
        progress?.Invoke($"planned {plan.Clients.Count} clients, {plan.Assets.Count} assets and {plan.Readings.Count:N0} readings");
        var since = plan.Clients.Min(c => c.CreatedAt).AddDays(-30);
        await AddUsersAsync(plan.Window);
        var clientIds = await AddClientsAsync(plan.Clients);
        var sourceIds = await AddAsync(SampleCatalog.SourceTypes.Select((name, i) => new SourceType { Name = name, CreatedAt = since.AddDays(i) }),
            s => (s.Name, s.Id));
        var unitIds = await AddAsync(SampleCatalog.UnitTypes.Select((u, i) => new UnitType
        {
            Name = u.Name, Description = u.Description, Aggregation = u.Aggregation, AutoProvision = u.AutoProvision,
            BaseRate = u.BaseRate, OverageRate = u.OverageRate, FilterPattern = u.FilterPattern, CreatedAt = since.AddDays(2).AddHours(i),
        }), u => (u.Name, u.Id));
        var assets = plan.Assets.Select(a => new Asset
        {
            SourceTypeId = sourceIds[a.Source], ExternalId = a.ExternalId, ClientId = a.Client is int c ? clientIds[c] : null,
            Name = a.Name, Description = a.Description, Acknowledged = a.Acknowledged, Enabled = a.Enabled, Disregarded = a.Disregarded,
            CreatedAt = a.CreatedAt, LastSeenAt = a.LastSeenAt,
        }).ToList();
        _db.Assets.AddRange(assets);
        await _db.SaveChangesAsync(ct);
        var assetIds = assets.Select(a => a.Id).ToList();
        _db.BillingBuckets.AddRange(plan.Buckets.Select(b => new BillingBucket
        {
            ClientId = clientIds[b.Client], Name = b.Name, SourceTypeId = sourceIds[b.Source], UnitTypeId = unitIds[b.UnitType],
            Aggregation = b.Aggregation, Commit = b.Commit, BaseRate = b.BaseRate, OverageRate = b.OverageRate, Reviewed = b.Reviewed,
            Enabled = b.Enabled, AutoProvisioned = b.AutoProvisioned, CreatedAt = b.CreatedAt,
            // Contracts signed (or backdated) to cover the whole window of readings, so every period the sample bills is covered.
            StartsOn = _settings.PeriodContaining(b.CreatedAt < plan.Window.Start ? b.CreatedAt : plan.Window.Start).Start,
            Assets = b.Assets.Select(x => new BucketAsset { AssetId = assetIds[x.Asset], BoundAt = x.BoundAt }).ToList(),
        }));
        _db.IngestSuppressions.AddRange(SampleCatalog.Suppressions.Select(s => new IngestSuppression
        {
            Pattern = s.Pattern, Type = s.Type, Reason = s.Reason, CreatedAt = anchor.AddDays(-s.CreatedDaysAgo),
            HitCount = s.HitCount, LastHitAt = s.LastHitHoursAgo is double h ? anchor.AddHours(-h) : null,
        }));
        await _db.SaveChangesAsync(ct);

        var sentBy = await AddApiKeysAsync(plan);
        progress?.Invoke($"wrote users, clients, assets and {plan.Buckets.Count} buckets");
        var rollups = await SampleReadingsWriter.WriteAsync(_database.ConnectionString, plan.Readings, assetIds,
            unitIds, plan.Assets.Select(a => sentBy[a.Source]).ToList(), ct);
        progress?.Invoke($"wrote the readings and {rollups:N0} daily rollups");
        await _billing.BillHistoryAsync(plan.Window, ct);
        progress?.Invoke("billed the closed periods and projected the open one");
        var (alerts, notifications) = await _alerts.AddAsync(anchor, ct);
        progress?.Invoke($"added {alerts} alerts ({notifications} crossings, their deliveries logged), webhook endpoints and monitors");
        return new SampleSummary(plan.Clients.Count, plan.Assets.Count, plan.Readings.Count, rollups, plan.Buckets.Count,
            plan.Buckets.Sum(b => b.Assets.Count), SampleCatalog.Suppressions.Length);
    }

    private async Task AddUsersAsync(SampleWindow window)
    {
        foreach (var user in SampleCatalog.Users)
        {
            var added = await _users.AddAsync(user.Email, user.Role, SampleCatalog.DemoPassword);
            // The service stamps the wall clock; the sample's history is told relative to the anchor.
            var row = await _db.Users.SingleAsync(u => u.Id == added.Id);
            row.CreatedAt = window.Anchor.AddDays(-user.CreatedDaysAgo);
            await _db.SaveChangesAsync();
        }
    }

    /// <returns>Database id of each planned client, by plan index.</returns>
    private async Task<IReadOnlyList<int>> AddClientsAsync(IReadOnlyList<SampleClient> clients)
    {
        var ids = new List<int>();
        foreach (var client in clients)
            ids.Add((await _clients.CreateAsync(new ClientInput(client.Name, client.Enabled, client.AlertEmails))).Id);
        // Backdated through EF, so the audit log shows the insert and then the move of created_at.
        var rows = await _db.Clients.ToDictionaryAsync(c => c.Id);
        for (var i = 0; i < clients.Count; i++) rows[ids[i]].CreatedAt = clients[i].CreatedAt;
        await _db.SaveChangesAsync();
        return ids;
    }

    private async Task<IReadOnlyDictionary<string, int>> AddAsync<T>(IEnumerable<T> rows, Func<T, (string Name, int Id)> key) where T : class
    {
        var list = rows.ToList();
        _db.Set<T>().AddRange(list);
        await _db.SaveChangesAsync();
        return list.Select(key).ToDictionary(k => k.Name, k => k.Id);
    }

    /// <summary>One ingest key per collector, a reporting key and a retired one.</summary>
    /// <returns>What each source's readings record as their sender: the key's actor label.</returns>
    private async Task<IReadOnlyDictionary<string, string>> AddApiKeysAsync(SamplePlan plan)
    {
        var anchor = plan.Window.Anchor;
        var sentBy = new Dictionary<string, string>();
        var lastUse = new Dictionary<int, DateTime>();
        foreach (var (source, name) in SampleCatalog.Collectors)
        {
            var key = (await _apiKeys.CreateAsync(new ApiKeyInput(name, ApiKeyRole.Ingest, null))).Key;
            // As UsageReading.SentBy documents it: short, and it is repeated on every reading.
            sentBy[source] = $"apikey:{key.Id}";
            lastUse[key.Id] = SampleWindow.FromMs(plan.Readings.Where(r => plan.Assets[r.Asset].Source == source).Max(r => r.IngestedAtMs));
        }
        var reporting = (await _apiKeys.CreateAsync(new ApiKeyInput("finance-powerbi", ApiKeyRole.ReadOnly, null))).Key;
        lastUse[reporting.Id] = anchor.AddHours(-9);
        var retired = (await _apiKeys.CreateAsync(new ApiKeyInput("legacy-vcenter-collector", ApiKeyRole.Ingest, null))).Key;
        await _apiKeys.SetEnabledAsync(retired.Id, false);
        lastUse[retired.Id] = anchor.AddDays(-212);

        foreach (var key in await _db.ApiKeys.ToListAsync())
        {
            key.CreatedAt = anchor.AddDays(key.Id == reporting.Id ? -140 : key.Id == retired.Id ? -730 : -400 - key.Id);
            key.LastUsedAt = lastUse[key.Id];
        }
        await _db.SaveChangesAsync();
        return sentBy;
    }
}
