using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Assets;

/// <summary>The views of the Assets page: each a question an operator asks.</summary>
public enum AssetView
{
    /// <summary>Everything but disregarded assets.</summary>
    All,
    /// <summary>Not yet acknowledged.</summary>
    New,
    /// <summary>No client.</summary>
    Unassigned,
    /// <summary>A client but no bucket: its usage bills nowhere.</summary>
    Unbound,
    Disregarded,
}

public sealed record AssetFilter(AssetView View = AssetView.All, string? Search = null, int? ClientId = null, string? SourceType = null);

public sealed record AssetRow(int Id, string SourceType, string ExternalId, int? ClientId, string? ClientName, string Name,
    string Description, bool Acknowledged, bool Enabled, bool Disregarded, DateTime CreatedAt, DateTime? LastSeenAt, int Buckets);

public sealed record AssetCounts(int All, int New, int Unassigned, int Unbound, int Disregarded);

/// <summary>The asset registry: views, and the operator's acknowledge, assign and disregard actions.</summary>
public sealed class AssetService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly CurrentActor _actor;

    public AssetService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor)
    {
        _dbs = dbs;
        _actor = actor;
    }

    public async Task<Page<AssetRow>> ListAsync(AssetFilter filter, PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = InView(Scoped(db.Assets.AsNoTracking(), actor), filter.View);
        if (filter.ClientId is int clientId) query = query.Where(a => a.ClientId == clientId);
        if (!string.IsNullOrWhiteSpace(filter.SourceType)) query = query.Where(a => a.SourceType!.Name == filter.SourceType);
        if (!string.IsNullOrWhiteSpace(filter.Search))
            query = query.WhereContains(db.Database, filter.Search, a => a.ExternalId, a => a.Name, a => a.Description, a => a.Client!.Name);
        var total = await query.CountAsync();
        var rows = await Sorts.Apply(query, page.OrderBy).Page(page)
            .Select(a => new AssetRow(a.Id, a.SourceType!.Name, a.ExternalId, a.ClientId, a.Client != null ? a.Client.Name : null,
                a.Name, a.Description, a.Acknowledged, a.Enabled, a.Disregarded, a.CreatedAt, a.LastSeenAt, a.Bindings.Count))
            .ToListAsync();
        return new Page<AssetRow>(rows, total);
    }

    public async Task<AssetCounts> CountsAsync()
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var assets = Scoped(db.Assets.AsNoTracking(), actor);
        return new AssetCounts(
            await InView(assets, AssetView.All).CountAsync(),
            await InView(assets, AssetView.New).CountAsync(),
            await InView(assets, AssetView.Unassigned).CountAsync(),
            await InView(assets, AssetView.Unbound).CountAsync(),
            await InView(assets, AssetView.Disregarded).CountAsync());
    }

    public async Task<IReadOnlyList<string>> SourceTypesAsync()
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        return await db.SourceTypes.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync();
    }

    /// <summary>Marks assets as seen by an operator: they leave the New view.</summary>
    public Task<int> AcknowledgeAsync(IReadOnlyCollection<int> ids)
        => ChangeAsync(ids, (_, a) => a.Acknowledged = true);

    /// <summary>
    /// Assigns assets to a client (or unassigns with null). Bindings to another client's buckets
    /// are removed: an asset bills only to its own client. Assigning also acknowledges.
    /// </summary>
    public async Task<int> AssignAsync(IReadOnlyCollection<int> ids, int? clientId)
    {
        await using (var check = await _dbs.CreateDbContextAsync())
        {
            if (clientId is int id && !await check.Clients.AnyAsync(c => c.Id == id))
                throw new ValidationException("client_id", $"Client {id} does not exist.");
        }
        return await ChangeAsync(ids, (db, a) =>
        {
            if (a.ClientId == clientId) return;
            a.ClientId = clientId;
            a.Acknowledged = true;
            db.BucketAssets.RemoveRange(a.Bindings.Where(b => b.Bucket!.ClientId != clientId));
        });
    }

    /// <summary>Disregarded assets disappear from default views and from billing; readings are kept.</summary>
    public Task<int> SetDisregardedAsync(IReadOnlyCollection<int> ids, bool disregarded)
        => ChangeAsync(ids, (_, a) =>
        {
            a.Disregarded = disregarded;
            if (disregarded) a.Acknowledged = true;
        });

    public Task<int> SetEnabledAsync(IReadOnlyCollection<int> ids, bool enabled)
        => ChangeAsync(ids, (_, a) => a.Enabled = enabled);

    /// <summary>Applies one change to each asset in a single audited save; returns how many changed.</summary>
    private async Task<int> ChangeAsync(IReadOnlyCollection<int> ids, Action<AppDbContext, Asset> change)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        new Validator().Check(ids.Count is > 0 and <= 1000, "ids", "Select between 1 and 1,000 assets.").ThrowIfInvalid();
        await using var db = await _dbs.CreateDbContextAsync();
        var assets = await Scoped(db.Assets, actor).Where(a => ids.Contains(a.Id))
            .Include(a => a.Bindings).ThenInclude(b => b.Bucket).ToListAsync();
        if (assets.Count != ids.Distinct().Count())
            throw new NotFoundException("Asset", string.Join(", ", ids.Except(assets.Select(a => a.Id))));
        foreach (var asset in assets) change(db, asset);
        await db.SaveChangesAsync();
        return assets.Count;
    }

    private static IQueryable<Asset> Scoped(IQueryable<Asset> assets, Actor actor)
        => actor.ClientScope is int scope ? assets.Where(a => a.ClientId == scope) : assets;

    private static IQueryable<Asset> InView(IQueryable<Asset> assets, AssetView view) => view switch
    {
        AssetView.New => assets.Where(a => !a.Acknowledged && !a.Disregarded),
        AssetView.Unassigned => assets.Where(a => a.ClientId == null && !a.Disregarded),
        AssetView.Unbound => assets.Where(a => a.ClientId != null && !a.Disregarded && !a.Bindings.Any()),
        AssetView.Disregarded => assets.Where(a => a.Disregarded),
        _ => assets.Where(a => !a.Disregarded),
    };

    private static readonly SortMap<Asset> Sorts = new SortMap<Asset>("Id")
        .Add("Id", a => a.Id).Add("SourceType", a => a.SourceType!.Name).Add("ExternalId", a => a.ExternalId)
        .Add("ClientName", a => a.Client!.Name).Add("Name", a => a.Name).Add("Description", a => a.Description)
        .Add("Acknowledged", a => a.Acknowledged).Add("Enabled", a => a.Enabled).Add("CreatedAt", a => a.CreatedAt)
        .Add("LastSeenAt", a => a.LastSeenAt).Add("Buckets", a => a.Bindings.Count);
}
