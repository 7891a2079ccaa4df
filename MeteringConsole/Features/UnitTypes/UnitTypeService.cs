using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Suppressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.UnitTypes;

public sealed record UnitTypeRow(int Id, string Name, string Description, Aggregation Aggregation, bool AutoProvision,
    decimal BaseRate, decimal OverageRate, string FilterPattern, DateTime CreatedAt);

/// <summary>Aggregation is text as it arrives (sum, max, avg, last, count) so that a wrong value is a field error.</summary>
public sealed record UnitTypeInput(string Name, string? Description, string? Aggregation, bool AutoProvision,
    decimal BaseRate, decimal OverageRate, string? FilterPattern);

public sealed record UnitTypeFilter(string? Search = null);

/// <summary>The unit type registry: what is metered, and the template for auto-provisioned buckets.</summary>
public sealed class UnitTypeService
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 1000;
    public const int MaxFilterPatternLength = 200;
    /// <summary>Far above any real price per unit, and well inside what the millionths column can hold.</summary>
    public const decimal MaxRate = 1_000_000_000m;

    private readonly IDbContextFactory<AppDbContext> _dbs;

    private readonly TimeProvider _clock;
    private readonly CurrentActor _actor;

    public UnitTypeService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, TimeProvider clock)
    {

        _clock = clock;
        _dbs = dbs;
        _actor = actor;
    }

    public async Task<Page<UnitTypeRow>> ListAsync(UnitTypeFilter filter, PageRequest page)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.UnitTypes.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var search = filter.Search.Trim();
            query = query.Where(u => u.Name.Contains(search) || u.Description.Contains(search));
        }
        var total = await query.CountAsync();
        var rows = await Sorts.Apply(query, page.OrderBy).Page(page).ToListAsync();
        return new Page<UnitTypeRow>(rows.Select(ToRow).ToList(), total);
    }

    public async Task<UnitTypeRow> GetAsync(int id)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var unitType = await db.UnitTypes.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id)
            ?? throw new NotFoundException("Unit type", id);
        return ToRow(unitType);
    }

    public async Task<UnitTypeRow> CreateAsync(UnitTypeInput input)
    {
        await _actor.RequireAsync(Permission.Write);
        var valid = Validate(input);
        await using var db = await _dbs.CreateDbContextAsync();
        await EnsureUniqueAsync(db, valid.Name, exceptId: null);
        var unitType = new UnitType { CreatedAt = _clock.GetUtcNow().UtcDateTime };
        valid.CopyTo(unitType);
        db.UnitTypes.Add(unitType);
        await db.SaveChangesAsync();
        return ToRow(unitType);
    }

    /// <summary>
    /// Edits a unit type. Existing buckets keep their own aggregation and rates: the template only
    /// shapes buckets provisioned from now on.
    /// </summary>
    public async Task<UnitTypeRow> UpdateAsync(int id, UnitTypeInput input)
    {
        await _actor.RequireAsync(Permission.Write);
        var valid = Validate(input);
        await using var db = await _dbs.CreateDbContextAsync();
        var unitType = await db.UnitTypes.FindAsync(id) ?? throw new NotFoundException("Unit type", id);
        await EnsureUniqueAsync(db, valid.Name, exceptId: id);
        valid.CopyTo(unitType);
        await db.SaveChangesAsync();
        return ToRow(unitType);
    }

    /// <summary>Deletes a unit type that nothing refers to yet (a mistake caught early); otherwise a conflict.</summary>
    public async Task DeleteAsync(int id)
    {
        await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var unitType = await db.UnitTypes.FindAsync(id) ?? throw new NotFoundException("Unit type", id);
        if (await UsedByAsync(db, id) is { } usedBy) throw new ConflictException(Refusal(unitType.Name, usedBy));
        db.UnitTypes.Remove(unitType);
        try
        {
            await db.SaveChangesAsync();
        }
        catch (DbUpdateException e) when (DbErrors.IsConstraintViolation(e))
        {
            // A reading or bucket arrived between the check and the delete; the foreign key held.
            throw new ConflictException($"{unitType.Name} came into use while it was being deleted and was kept.");
        }
    }

    /// <summary>
    /// Why each of these unit types could not be deleted now (absent: it could), so that the page
    /// offers Delete only where it would succeed rather than confirming and then refusing.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, string>> DeleteRefusalsAsync(IReadOnlyCollection<UnitTypeRow> rows)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var refusals = new Dictionary<int, string>();
        // A page holds a few unit types; each check is an index seek.
        foreach (var row in rows)
            if (await UsedByAsync(db, row.Id) is { } usedBy) refusals[row.Id] = Refusal(row.Name, usedBy);
        return refusals;
    }

    private static string Refusal(string name, string usedBy) => $"{name} is used by {usedBy} and cannot be deleted.";

    private static async Task<string?> UsedByAsync(AppDbContext db, int id)
    {
        if (await db.UsageReadings.AnyAsync(r => r.UnitTypeId == id)) return "usage readings";
        if (await db.BillingBuckets.AnyAsync(b => b.UnitTypeId == id)) return "billing buckets";
        if (await db.UsageDailyRollups.AnyAsync(r => r.UnitTypeId == id)) return "usage rollups";
        if (await db.Alerts.AnyAsync(a => a.UnitTypeId == id)) return "alerts";
        if (await db.Monitors.AnyAsync(m => m.UnitTypeId == id)) return "monitors";
        return null;
    }

    private sealed record ValidInput(string Name, string Description, Aggregation Aggregation, bool AutoProvision,
        decimal BaseRate, decimal OverageRate, string FilterPattern)
    {
        public void CopyTo(UnitType u)
        {
            u.Name = Name;
            u.Description = Description;
            u.Aggregation = Aggregation;
            u.AutoProvision = AutoProvision;
            u.BaseRate = BaseRate;
            u.OverageRate = OverageRate;
            u.FilterPattern = FilterPattern;
        }
    }

    private static ValidInput Validate(UnitTypeInput input)
    {
        var name = (input.Name ?? "").Trim();
        var description = (input.Description ?? "").Trim();
        var filter = (input.FilterPattern ?? "").Trim();
        var aggregation = ParseAggregation(input.Aggregation);
        var v = new Validator()
            .Required(name, "name", MaxNameLength)
            .MaxLength(description, "description", MaxDescriptionLength)
            .Check(aggregation is not null, "aggregation", "Aggregation must be sum, max, avg, last or count.")
            .MaxLength(filter, "filter_pattern", MaxFilterPatternLength);
        CheckRate(v, input.BaseRate, "base_rate");
        CheckRate(v, input.OverageRate, "overage_rate");
        if (filter.Length > 0 && Glob.Problem(filter) is { } problem) v.Check(false, "filter_pattern", problem);
        v.ThrowIfInvalid();
        return new ValidInput(name, description, aggregation!.Value, input.AutoProvision, input.BaseRate, input.OverageRate, filter);
    }

    private static void CheckRate(Validator v, decimal rate, string field)
    {
        var label = field == "base_rate" ? "Base rate" : "Overage rate";
        v.Check(rate >= 0, field, $"{label} must not be negative.");
        v.Check(rate <= MaxRate, field, $"{label} must be at most {MaxRate:#,0}.");
        // Rates are stored as whole millionths; more digits would be silently rounded away.
        v.Check(decimal.Round(rate, 6) == rate, field, $"{label} must have at most 6 decimal places.");
    }

    private static async Task EnsureUniqueAsync(AppDbContext db, string name, int? exceptId)
    {
        // The column's NOCASE collation makes this comparison case-insensitive.
        if (await db.UnitTypes.AnyAsync(u => u.Name == name && u.Id != exceptId))
            throw new ConflictException($"A unit type named '{name}' already exists.");
    }

    /// <summary>The aggregation named in lower case (as the API writes it), or null. Numbers are not accepted as names.</summary>
    public static Aggregation? ParseAggregation(string? text)
        => Enum.GetValues<Aggregation>().Cast<Aggregation?>()
            .FirstOrDefault(a => string.Equals(Name(a!.Value), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Name(Aggregation aggregation) => aggregation.ToString().ToLowerInvariant();

    private static UnitTypeRow ToRow(UnitType u)
        => new(u.Id, u.Name, u.Description, u.Aggregation, u.AutoProvision, Trim(u.BaseRate), Trim(u.OverageRate), u.FilterPattern, u.CreatedAt);

    /// <summary>Drops the trailing zeros that reading millionths back leaves (0.050000 → 0.05).</summary>
    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    private static readonly SortMap<UnitType> Sorts = new SortMap<UnitType>("Name")
        .Add("Id", u => u.Id).Add("Name", u => u.Name).Add("Description", u => u.Description)
        .Add("Aggregation", u => u.Aggregation).Add("AutoProvision", u => u.AutoProvision)
        .Add("BaseRate", u => u.BaseRate).Add("OverageRate", u => u.OverageRate)
        .Add("FilterPattern", u => u.FilterPattern).Add("CreatedAt", u => u.CreatedAt);
}
