using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Monitor = MeteringConsole.Domain.Monitor;

namespace MeteringConsole.Features.Monitors;

/// <summary>A monitor as the API and the Monitors page show it.</summary>
public sealed record MonitorRow(int Id, string Name, string Description, string Source, string? Item, int? BucketId, string? BucketName,
    int? ClientId, string? UnitType, string? Aggregation, DateTime CreatedAt);

/// <summary>A monitor as the API and the dialog send it; on update, a field left out (null) keeps its value.</summary>
public sealed record MonitorInput(string? Name, string? Description, string? Source, string? Item = null, int? BucketId = null,
    string? UnitType = null, string? Aggregation = null);

/// <summary>Monitors: named watches on a contract item or a usage aggregate. Values are in <see cref="MonitorValues"/>.</summary>
public sealed class MonitorService
{
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 1000;

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly CurrentActor _actor;
    private readonly TimeProvider _clock;

    public MonitorService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, TimeProvider clock)
    {
        _dbs = dbs;
        _actor = actor;
        _clock = clock;
    }

    /// <summary>Every monitor a caller may see: a client-scoped key sees those for all clients and those on its own buckets.</summary>
    public async Task<Page<MonitorRow>> ListAsync(PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = Query(db);
        if (actor.ClientScope is int scope) query = query.Where(m => m.BucketId == null || m.Bucket!.ClientId == scope);
        var total = await query.CountAsync();
        var monitors = await query.OrderBy(m => m.Name).ThenBy(m => m.Id).Skip(page.SafeSkip).Take(page.SafeTake).ToListAsync();
        return new Page<MonitorRow>(monitors.Select(Row).ToList(), total);
    }

    public async Task<MonitorRow> GetAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        return Row(await FindVisibleAsync(db, id, actor));
    }

    public async Task<MonitorRow> CreateAsync(MonitorInput input)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var monitor = new Monitor { CreatedAt = _clock.GetUtcNow().UtcDateTime };
        await ApplyAsync(db, monitor, input, actor);
        db.Monitors.Add(monitor);
        await db.SaveChangesAsync();
        return await GetAsync(monitor.Id);
    }

    /// <summary>Changes the fields given; a field left out keeps its value, and the result is validated as a whole.</summary>
    public async Task<MonitorRow> UpdateAsync(int id, MonitorInput input)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var monitor = await FindVisibleAsync(db, id, actor);
        RequireWritable(monitor.Bucket?.ClientId, actor);
        var merged = new MonitorInput(input.Name ?? monitor.Name, input.Description ?? monitor.Description,
            input.Source ?? MonitorCatalog.Name(monitor.Source), input.Item ?? NullIfEmpty(monitor.Item), input.BucketId ?? monitor.BucketId,
            input.UnitType ?? monitor.UnitType?.Name, input.Aggregation ?? (monitor.Aggregation is Aggregation a ? Billing.BillingMath.Name(a) : null));
        // Switching source drops the fields the other source used, unless they were given again.
        if (input.Source is not null && MonitorCatalog.ParseSource(input.Source) is MonitorSource s && s != monitor.Source)
            merged = s == MonitorSource.Contract ? merged with { UnitType = input.UnitType, Aggregation = input.Aggregation }
                : merged with { Item = input.Item };
        // The row is changed without its navigations loaded, so nothing but the foreign keys says what it points at.
        var tracked = await db.Monitors.AsTracking().FirstAsync(m => m.Id == id);
        await ApplyAsync(db, tracked, merged, actor);
        await db.SaveChangesAsync();
        return await GetAsync(id);
    }

    public async Task DeleteAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var monitor = await FindVisibleAsync(db, id, actor);
        RequireWritable(monitor.Bucket?.ClientId, actor);
        db.Monitors.Remove(await db.Monitors.AsTracking().FirstAsync(m => m.Id == id));
        await db.SaveChangesAsync();
    }

    internal static async Task<Monitor> FindVisibleAsync(AppDbContext db, int id, Actor actor)
    {
        var monitor = await Query(db).FirstOrDefaultAsync(m => m.Id == id) ?? throw new NotFoundException("Monitor", id);
        if (monitor.Bucket is { } b && !actor.MaySee(b.ClientId)) throw new ForbiddenException("This API key is scoped to another client.");
        return monitor;
    }

    private static IQueryable<Monitor> Query(AppDbContext db)
        => db.Monitors.AsNoTracking().Include(m => m.Bucket).Include(m => m.UnitType);

    /// <summary>A client-scoped key writes only monitors on its own client's buckets; one for all clients is not its to change.</summary>
    private static void RequireWritable(int? bucketClient, Actor actor)
    {
        if (actor.ClientScope is int scope && bucketClient != scope)
            throw new ForbiddenException($"This API key is scoped to client {scope}: it may only write monitors on that client's buckets.");
    }

    private static async Task ApplyAsync(AppDbContext db, Monitor monitor, MonitorInput input, Actor actor)
    {
        var v = new Validator();
        var name = (input.Name ?? "").Trim();
        v.Required(name, "name", MaxNameLength);
        var description = (input.Description ?? "").Trim();
        v.MaxLength(description, "description", MaxDescriptionLength);
        var source = MonitorCatalog.ParseSource(input.Source);
        v.Check(!string.IsNullOrWhiteSpace(input.Source), "source", "Source is required: contract or usage_aggregate.");
        v.Check(string.IsNullOrWhiteSpace(input.Source) || source is not null, "source",
            $"Unknown source '{input.Source}': use contract or usage_aggregate.");

        BillingBucket? bucket = null;
        if (input.BucketId is int bucketId)
        {
            bucket = await db.BillingBuckets.AsNoTracking().FirstOrDefaultAsync(b => b.Id == bucketId);
            v.Check(bucket is not null && actor.MaySee(bucket.ClientId), "bucket_id", $"Bucket {bucketId} does not exist.");
        }

        string item = "";
        UnitType? unitType = null;
        Aggregation? aggregation = null;
        if (source == MonitorSource.Contract)
        {
            v.Check(!string.IsNullOrWhiteSpace(input.Item), "item",
                $"Item is required for a contract monitor: one of {string.Join(", ", MonitorCatalog.ContractItems.Select(i => i.Name))}.");
            var known = MonitorCatalog.Item(input.Item);
            v.Check(string.IsNullOrWhiteSpace(input.Item) || known is not null, "item",
                $"Unknown item '{input.Item}': use one of {string.Join(", ", MonitorCatalog.ContractItems.Select(i => i.Name))}.");
            item = known?.Name ?? "";
            v.Check(string.IsNullOrWhiteSpace(input.UnitType), "unit_type", "A contract monitor does not use a unit type.");
            v.Check(string.IsNullOrWhiteSpace(input.Aggregation), "aggregation", "A contract monitor does not use an aggregation.");
        }
        else if (source == MonitorSource.UsageAggregate)
        {
            v.Check(string.IsNullOrWhiteSpace(input.Item), "item", "A usage aggregate monitor does not use an item.");
            v.Check(!string.IsNullOrWhiteSpace(input.UnitType), "unit_type", "Unit type is required for a usage aggregate monitor.");
            if (!string.IsNullOrWhiteSpace(input.UnitType))
            {
                var unitName = input.UnitType.Trim();
                unitType = await db.UnitTypes.AsNoTracking().FirstOrDefaultAsync(u => u.Name == unitName);
                v.Check(unitType is not null, "unit_type", $"Unknown unit type '{input.UnitType}'.");
                v.Check(unitType is null || bucket is null || bucket.UnitTypeId == unitType.Id, "bucket_id",
                    $"Bucket {input.BucketId} bills another unit type than '{input.UnitType}'.");
            }
            aggregation = string.IsNullOrWhiteSpace(input.Aggregation) ? unitType?.Aggregation : MonitorCatalog.ParseAggregation(input.Aggregation);
            v.Check(string.IsNullOrWhiteSpace(input.Aggregation) || aggregation is not null, "aggregation",
                $"Unknown aggregation '{input.Aggregation}': use sum, max, avg, last or count.");
        }
        v.ThrowIfInvalid();
        RequireWritable(bucket?.ClientId, actor);

        monitor.Name = name;
        monitor.Description = description;
        monitor.Source = source!.Value;
        monitor.Item = item;
        monitor.BucketId = bucket?.Id;
        monitor.UnitTypeId = unitType?.Id;
        monitor.Aggregation = aggregation;
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    internal static MonitorRow Row(Monitor m) => new(m.Id, m.Name, m.Description, MonitorCatalog.Name(m.Source), NullIfEmpty(m.Item), m.BucketId,
        m.Bucket?.Name, m.Bucket?.ClientId, m.UnitType?.Name, m.Aggregation is Aggregation a ? Billing.BillingMath.Name(a) : null, m.CreatedAt);
}
