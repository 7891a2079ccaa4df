using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.UnitTypes;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Billing;

public sealed record BucketRow(int Id, int ClientId, string ClientName, string Name, string SourceType, string UnitType,
    Aggregation Aggregation, decimal Commit, decimal BaseRate, decimal OverageRate, bool Reviewed, bool Enabled, bool AutoProvisioned,
    DateTime CreatedAt, IReadOnlyList<string> AssetIds, DateOnly StartsOn, DateOnly? EndsOn, bool ClientEnabled);

/// <summary>
/// A bucket as entered. Aggregation is text as it arrives (null: the unit type's); asset ids are
/// the external ids of the client's assets of the bucket's source type (null: keep the bindings).
/// Rates left null come from the unit type's template. Contract dates are YYYY-MM-DD as entered:
/// starts_on left null is the start of the period the bucket is created in (an edit keeps it);
/// ends_on null is open-ended.
/// </summary>
public sealed record BucketInput(int ClientId, string? Name, string? SourceType, string? UnitType, string? Aggregation, decimal Commit,
    decimal? BaseRate, decimal? OverageRate, bool Reviewed, bool Enabled, IReadOnlyList<string>? AssetIds, string? StartsOn = null,
    string? EndsOn = null);

public sealed record BucketFilter(int? ClientId = null, string? SourceType = null, string? UnitType = null, bool? Reviewed = null,
    bool? Enabled = null, string? Search = null);

/// <summary>An asset the bucket dialog offers for binding.</summary>
public sealed record BindableAsset(int Id, string ExternalId, string Name, string? BoundTo);

/// <summary>Billing buckets: a commit and two rates over the bound assets' usage of one unit type.</summary>
public sealed class BucketService
{
    public const int MaxNameLength = 200;
    public const decimal MaxRate = UnitTypeService.MaxRate;
    /// <summary>Far above any real commit, and well inside what the millionths column can hold.</summary>
    public const decimal MaxCommit = 1_000_000_000_000m;

    private readonly IDbContextFactory<AppDbContext> _dbs;

    private readonly TimeProvider _clock;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _settings;

    public BucketService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, BillingSettings settings, TimeProvider clock)
    {
        _clock = clock;
        _dbs = dbs;
        _actor = actor;
        _settings = settings;
    }

    public async Task<Page<BucketRow>> ListAsync(BucketFilter filter, PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (filter.ClientId is int c && !actor.MaySee(c)) throw new ForbiddenException("This API key is scoped to another client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.BillingBuckets.AsNoTracking();
        if (actor.ClientScope is int scope) query = query.Where(b => b.ClientId == scope);
        if (filter.ClientId is int clientId) query = query.Where(b => b.ClientId == clientId);
        if (!string.IsNullOrWhiteSpace(filter.SourceType)) query = query.Where(b => b.SourceType!.Name == filter.SourceType.Trim().ToLower());
        if (!string.IsNullOrWhiteSpace(filter.UnitType)) query = query.Where(b => b.UnitType!.Name == filter.UnitType.Trim());
        if (filter.Reviewed is bool reviewed) query = query.Where(b => b.Reviewed == reviewed);
        if (filter.Enabled is bool enabled) query = query.Where(b => b.Enabled == enabled);
        if (!string.IsNullOrWhiteSpace(filter.Search))
            query = query.WhereContains(db.Database, filter.Search, b => b.Name, b => b.Client!.Name);
        var total = await query.CountAsync();
        var rows = await Rows(db, Sorts.Apply(query, page.OrderBy).Page(page));
        return new Page<BucketRow>(rows, total);
    }

    public async Task<BucketRow> GetAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var row = (await Rows(db, db.BillingBuckets.AsNoTracking().Where(b => b.Id == id))).SingleOrDefault()
            ?? throw new NotFoundException("Bucket", id);
        if (!actor.MaySee(row.ClientId)) throw new ForbiddenException("This API key is scoped to another client.");
        return row;
    }

    public async Task<BucketRow> CreateAsync(BucketInput input)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        if (!actor.MaySee(input.ClientId)) throw new ForbiddenException("This API key is scoped to another client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var now = _clock.GetUtcNow().UtcDateTime;
        var valid = await ValidateAsync(db, input, bucketId: null, defaultStart: _settings.PeriodContaining(now).Start);
        var bucket = new BillingBucket { CreatedAt = now };
        valid.CopyTo(bucket);
        bucket.Assets = valid.Assets.Select(a => new BucketAsset { AssetId = a, BoundAt = bucket.CreatedAt }).ToList();
        db.BillingBuckets.Add(bucket);
        await db.SaveChangesAsync();
        return await GetAsync(bucket.Id);
    }

    /// <summary>Edits a bucket; bound assets are replaced by the input's unless it leaves them out (null).</summary>
    public async Task<BucketRow> UpdateAsync(int id, BucketInput input)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var bucket = await db.BillingBuckets.Include(b => b.Assets).FirstOrDefaultAsync(b => b.Id == id) ?? throw new NotFoundException("Bucket", id);
        if (!actor.MaySee(bucket.ClientId) || !actor.MaySee(input.ClientId)) throw new ForbiddenException("This API key is scoped to another client.");
        if (bucket.ClientId != input.ClientId && await db.BillingReadings.AnyAsync(r => r.BucketId == id))
            throw new ConflictException(MoveRefusal(bucket.Name));
        var valid = await ValidateAsync(db, input with { AssetIds = input.AssetIds ?? await BoundExternalIdsAsync(db, id) }, bucketId: id,
            defaultStart: bucket.StartsOn);
        valid.CopyTo(bucket);
        var now = _clock.GetUtcNow().UtcDateTime;
        db.BucketAssets.RemoveRange(bucket.Assets.Where(a => !valid.Assets.Contains(a.AssetId)));
        foreach (var assetId in valid.Assets.Where(a => bucket.Assets.All(b => b.AssetId != a)))
            bucket.Assets.Add(new BucketAsset { BucketId = id, AssetId = assetId, BoundAt = now });
        await db.SaveChangesAsync();
        return await GetAsync(id);
    }

    /// <summary>Turns a bucket on or off (the Billing Buckets table's toggle); everything else stays as it is.</summary>
    public async Task<BucketRow> SetEnabledAsync(int id, bool enabled)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var bucket = await db.BillingBuckets.FirstOrDefaultAsync(b => b.Id == id) ?? throw new NotFoundException("Bucket", id);
        if (!actor.MaySee(bucket.ClientId)) throw new ForbiddenException("This API key is scoped to another client.");
        bucket.Enabled = enabled;
        await db.SaveChangesAsync();
        return await GetAsync(id);
    }

    /// <summary>
    /// Binds more of the client's assets to a bucket (the Assets page's Bind action), under the
    /// same rules as editing the bucket's asset list. (Not "BindAsync": minimal APIs would take a
    /// service with that method for a custom parameter binder.)
    /// </summary>
    public async Task<BucketRow> BindAssetsAsync(int bucketId, IReadOnlyCollection<int> assetIds)
    {
        var bucket = await GetAsync(bucketId);
        await using var db = await _dbs.CreateDbContextAsync();
        var externalIds = await db.Assets.AsNoTracking().Where(a => assetIds.Contains(a.Id)).Select(a => a.ExternalId).ToListAsync();
        if (externalIds.Count != assetIds.Distinct().Count()) throw new NotFoundException("Asset", string.Join(", ", assetIds));
        var input = new BucketInput(bucket.ClientId, bucket.Name, bucket.SourceType, bucket.UnitType, bucket.Aggregation.ToString(), bucket.Commit,
            bucket.BaseRate, bucket.OverageRate, bucket.Reviewed, bucket.Enabled, bucket.AssetIds.Union(externalIds).ToList(),
            DateText(bucket.StartsOn), bucket.EndsOn is DateOnly end ? DateText(end) : null);
        return await UpdateAsync(bucketId, input);
    }

    /// <summary>
    /// Which of these buckets have billing readings: those cannot be deleted or moved to another
    /// client, so the page and the dialog do not offer it (rather than confirming and then refusing).
    /// </summary>
    public async Task<IReadOnlySet<int>> BilledAsync(IReadOnlyCollection<int> ids)
    {
        await _actor.RequireAsync(Permission.Read);
        if (ids.Count == 0) return new HashSet<int>();
        await using var db = await _dbs.CreateDbContextAsync();
        return (await db.BillingReadings.AsNoTracking().Where(r => ids.Contains(r.BucketId)).Select(r => r.BucketId).Distinct().ToListAsync()).ToHashSet();
    }

    public static string DeleteRefusal(string bucketName) => $"{bucketName} has billing readings and cannot be deleted; disable it instead.";

    public static string MoveRefusal(string bucketName)
        => $"{bucketName} has billing history with its client; create a new bucket for the other client instead.";

    /// <summary>Deletes a bucket that was never billed (its bindings go with it); a billed one answers 409.</summary>
    public async Task DeleteAsync(int id)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var bucket = await db.BillingBuckets.Include(b => b.Assets).FirstOrDefaultAsync(b => b.Id == id) ?? throw new NotFoundException("Bucket", id);
        if (!actor.MaySee(bucket.ClientId)) throw new ForbiddenException("This API key is scoped to another client.");
        if (await db.BillingReadings.AnyAsync(r => r.BucketId == id)) throw new ConflictException(DeleteRefusal(bucket.Name));
        // Bindings removed through the change tracker, so each unbinding is audited too.
        db.BucketAssets.RemoveRange(bucket.Assets);
        db.BillingBuckets.Remove(bucket);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            throw new ConflictException($"{bucket.Name} was billed while it was being deleted and was kept.");
        }
    }

    /// <summary>The client's assets of a source type that the bucket dialog may bind, with where each is bound now.</summary>
    public async Task<IReadOnlyList<BindableAsset>> BindableAssetsAsync(int clientId, string sourceType, string? unitType, int? bucketId)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (!actor.MaySee(clientId)) throw new ForbiddenException("This API key is scoped to another client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var source = sourceType.Trim().ToLower();
        var assets = await db.Assets.AsNoTracking()
            .Where(a => a.ClientId == clientId && a.SourceType!.Name == source && !a.Disregarded)
            .OrderBy(a => a.ExternalId)
            .Select(a => new
            {
                a.Id, a.ExternalId, a.Name,
                BoundTo = a.Bindings.Where(b => b.BucketId != bucketId && b.Bucket!.UnitType!.Name == unitType).Select(b => b.Bucket!.Name).FirstOrDefault(),
            })
            .ToListAsync();
        return assets.Select(a => new BindableAsset(a.Id, a.ExternalId, a.Name, a.BoundTo)).ToList();
    }

    /// <summary>Names for the filters and the dialog's pickers.</summary>
    public async Task<(IReadOnlyList<string> SourceTypes, IReadOnlyList<(string Name, Aggregation Aggregation)> UnitTypes)> ChoicesAsync()
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var sources = await db.SourceTypes.AsNoTracking().OrderBy(s => s.Name).Select(s => s.Name).ToListAsync();
        var units = await db.UnitTypes.AsNoTracking().OrderBy(u => u.Name).Select(u => new { u.Name, u.Aggregation }).ToListAsync();
        return (sources, units.Select(u => (u.Name, u.Aggregation)).ToList());
    }

    private sealed record ValidInput(int ClientId, string Name, int SourceTypeId, int UnitTypeId, Aggregation Aggregation, decimal Commit,
        decimal BaseRate, decimal OverageRate, bool Reviewed, bool Enabled, IReadOnlyList<int> Assets, DateOnly StartsOn, DateOnly? EndsOn)
    {
        public void CopyTo(BillingBucket b)
        {
            (b.ClientId, b.Name, b.SourceTypeId, b.UnitTypeId, b.Aggregation) = (ClientId, Name, SourceTypeId, UnitTypeId, Aggregation);
            (b.Commit, b.BaseRate, b.OverageRate, b.Reviewed, b.Enabled) = (Commit, BaseRate, OverageRate, Reviewed, Enabled);
            (b.StartsOn, b.EndsOn) = (StartsOn, EndsOn);
        }
    }

    /// <summary>A contract date as the API writes it.</summary>
    public static string DateText(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static DateOnly? ContractDate(Validator v, string? text, string field, string label)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var date))
        {
            v.Check(false, field, $"{label} must be a date, YYYY-MM-DD.");
            return null;
        }
        v.Check(date >= ValueLimits.EarliestDate && date <= ValueLimits.LatestDate, field,
            $"{label} must be from {DateText(ValueLimits.EarliestDate)} to {DateText(ValueLimits.LatestDate)}.");
        return date;
    }

    private static async Task<ValidInput> ValidateAsync(AppDbContext db, BucketInput input, int? bucketId, DateOnly defaultStart)
    {
        var name = (input.Name ?? "").Trim();
        var sourceName = (input.SourceType ?? "").Trim().ToLowerInvariant();
        var unitName = (input.UnitType ?? "").Trim();
        var v = new Validator().Required(name, "name", MaxNameLength);
        var client = await db.Clients.AsNoTracking().FirstOrDefaultAsync(c => c.Id == input.ClientId);
        v.Check(client is not null, "client_id", input.ClientId <= 0 ? "Client is required." : $"Client {input.ClientId} does not exist.");
        var source = sourceName.Length == 0 ? null : await db.SourceTypes.AsNoTracking().FirstOrDefaultAsync(s => s.Name == sourceName);
        v.Check(source is not null, "source_type", sourceName.Length == 0 ? "Source type is required." : $"Source type '{sourceName}' does not exist.");
        var unit = unitName.Length == 0 ? null : await db.UnitTypes.AsNoTracking().FirstOrDefaultAsync(u => u.Name == unitName);
        v.Check(unit is not null, "unit_type", unitName.Length == 0 ? "Unit type is required." : $"Unit type '{unitName}' does not exist.");
        var aggregation = input.Aggregation is null ? unit?.Aggregation : UnitTypeService.ParseAggregation(input.Aggregation);
        v.Check(input.Aggregation is null || aggregation is not null, "aggregation", "Aggregation must be sum, max, avg, last or count.");
        var baseRate = input.BaseRate ?? unit?.BaseRate ?? 0;
        var overageRate = input.OverageRate ?? unit?.OverageRate ?? 0;
        CheckAmount(v, input.Commit, "commit", "Commit", MaxCommit);
        CheckAmount(v, baseRate, "base_rate", "Base rate", MaxRate);
        CheckAmount(v, overageRate, "overage_rate", "Overage rate", MaxRate);
        // The committed amount must fit a billing line (see ValueLimits): refused here rather than capped on the bill.
        v.Check(input.Commit * baseRate <= ValueLimits.MaxLineAmount || input.Commit > MaxCommit || baseRate > MaxRate, "commit",
            $"Commit × base rate must be at most {ValueLimits.MaxLineAmount:#,0} per period.");
        var startsOn = ContractDate(v, input.StartsOn, "starts_on", "Starts on") ?? defaultStart;
        var endsOn = ContractDate(v, input.EndsOn, "ends_on", "Ends on");
        v.Check(endsOn is null || endsOn >= startsOn, "ends_on", $"Ends on must be on or after starts on ({DateText(startsOn)}).");
        v.ThrowIfInvalid();

        if (await db.BillingBuckets.AnyAsync(b => b.ClientId == input.ClientId && b.Name == name && b.Id != bucketId))
            throw new ConflictException($"{client!.Name} already has a bucket named '{name}'.");
        var assets = await BindingsAsync(db, input.AssetIds ?? Array.Empty<string>(), client!, source!, unit!, bucketId);
        return new ValidInput(client!.Id, name, source!.Id, unit!.Id, aggregation!.Value, input.Commit, baseRate, overageRate,
            input.Reviewed, input.Enabled, assets, startsOn, endsOn);
    }

    /// <summary>
    /// Resolves external ids to the client's own assets of the bucket's source type. An asset may
    /// sit in only one bucket per unit type: two would bill its usage twice.
    /// </summary>
    private static async Task<IReadOnlyList<int>> BindingsAsync(AppDbContext db, IReadOnlyList<string> externalIds, Client client,
        SourceType source, UnitType unit, int? bucketId)
    {
        var ids = externalIds.Select(e => e.Trim()).Where(e => e.Length > 0).Distinct().ToList();
        if (ids.Count == 0) return Array.Empty<int>();
        var found = await db.Assets.AsNoTracking().Where(a => a.SourceTypeId == source.Id && ids.Contains(a.ExternalId))
            .Select(a => new
            {
                a.Id, a.ExternalId, a.ClientId, a.Disregarded,
                Elsewhere = a.Bindings.Where(b => b.BucketId != bucketId && b.Bucket!.UnitTypeId == unit.Id).Select(b => b.Bucket!.Name).FirstOrDefault(),
            })
            .ToListAsync();
        var v = new Validator();
        foreach (var id in ids)
        {
            var asset = found.FirstOrDefault(a => a.ExternalId == id);
            if (asset is null) v.Check(false, "asset_ids", $"There is no {source.Name} asset '{id}'.");
            else if (asset.ClientId != client.Id) v.Check(false, "asset_ids", $"Asset '{id}' does not belong to {client.Name}; assign it first.");
            else if (asset.Disregarded) v.Check(false, "asset_ids", $"Asset '{id}' is disregarded; restore it before binding.");
            else if (asset.Elsewhere is not null) v.Check(false, "asset_ids", $"Asset '{id}' is already bound to '{asset.Elsewhere}' for {unit.Name}; unbind it there first.");
        }
        v.ThrowIfInvalid();
        return found.Select(a => a.Id).ToList();
    }

    private static void CheckAmount(Validator v, decimal value, string field, string label, decimal max)
    {
        v.Check(value >= 0, field, $"{label} must not be negative.");
        v.Check(value <= max, field, $"{label} must be at most {max:#,0}.");
        // Stored as whole millionths; more digits would be silently rounded away.
        v.Check(decimal.Round(value, 6) == value, field, $"{label} must have at most 6 decimal places.");
    }

    private static async Task<IReadOnlyList<string>> BoundExternalIdsAsync(AppDbContext db, int bucketId)
        => await db.BucketAssets.AsNoTracking().Where(b => b.BucketId == bucketId).Select(b => b.Asset!.ExternalId).ToListAsync();

    private static async Task<List<BucketRow>> Rows(AppDbContext db, IQueryable<BillingBucket> query)
    {
        var buckets = await query.Select(b => new
        {
            b.Id, b.ClientId, Client = b.Client!.Name, b.Name, Source = b.SourceType!.Name, Unit = b.UnitType!.Name, b.Aggregation,
            b.Commit, b.BaseRate, b.OverageRate, b.Reviewed, b.Enabled, b.AutoProvisioned, b.CreatedAt, b.StartsOn, b.EndsOn,
            ClientEnabled = b.Client!.Enabled,
        }).ToListAsync();
        var ids = buckets.Select(b => b.Id).ToList();
        var bound = (await db.BucketAssets.AsNoTracking().Where(x => ids.Contains(x.BucketId))
                .Select(x => new { x.BucketId, x.Asset!.ExternalId }).ToListAsync())
            .ToLookup(x => x.BucketId, x => x.ExternalId);
        return buckets.Select(b => new BucketRow(b.Id, b.ClientId, b.Client, b.Name, b.Source, b.Unit, b.Aggregation, Trim(b.Commit),
            Trim(b.BaseRate), Trim(b.OverageRate), b.Reviewed, b.Enabled, b.AutoProvisioned, b.CreatedAt,
            bound[b.Id].OrderBy(e => e, StringComparer.Ordinal).ToList(), b.StartsOn, b.EndsOn, b.ClientEnabled)).ToList();
    }

    /// <summary>Drops the trailing zeros that reading millionths back leaves (0.050000 → 0.05).</summary>
    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    private static readonly SortMap<BillingBucket> Sorts = new SortMap<BillingBucket>("ClientName")
        .Add("Id", b => b.Id).Add("ClientName", b => b.Client!.Name).Add("Name", b => b.Name)
        .Add("SourceType", b => b.SourceType!.Name).Add("UnitType", b => b.UnitType!.Name).Add("Aggregation", b => b.Aggregation)
        .Add("Commit", b => b.Commit).Add("BaseRate", b => b.BaseRate).Add("OverageRate", b => b.OverageRate)
        .Add("Reviewed", b => b.Reviewed).Add("Enabled", b => b.Enabled).Add("CreatedAt", b => b.CreatedAt)
        .Add("StartsOn", b => b.StartsOn).Add("EndsOn", b => b.EndsOn);
}
