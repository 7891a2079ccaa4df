using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Suppressions;

public sealed record SuppressionRow(int Id, string Pattern, SuppressionType Type, string Reason, DateTime CreatedAt,
    long HitCount, DateTime? LastHitAt);

/// <summary>Type is text as it arrives (exact, glob, regex) so that a wrong value is a field error, not a parse failure.</summary>
public sealed record SuppressionInput(string Pattern, string? Type, string? Reason);

public sealed record SuppressionFilter(string? Search = null, SuppressionType? Type = null);

/// <summary>The ingest suppression rules: listing, creating and deleting them, and the matcher ingest uses.</summary>
public sealed class SuppressionService
{
    public const int MaxPatternLength = 500;
    public const int MaxReasonLength = 500;

    private readonly IDbContextFactory<AppDbContext> _dbs;

    private readonly TimeProvider _clock;
    private readonly CurrentActor _actor;

    public SuppressionService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, TimeProvider clock)
    {

        _clock = clock;
        _dbs = dbs;
        _actor = actor;
    }

    public async Task<Page<SuppressionRow>> ListAsync(SuppressionFilter filter, PageRequest page)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.IngestSuppressions.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var search = filter.Search.Trim();
            query = query.Where(s => s.Pattern.Contains(search) || s.Reason.Contains(search));
        }
        if (filter.Type is SuppressionType type) query = query.Where(s => s.Type == type);
        var total = await query.CountAsync();
        var rows = await Sorts.Apply(query, page.OrderBy).Page(page).Select(s => ToRow(s)).ToListAsync();
        return new Page<SuppressionRow>(rows, total);
    }

    public async Task<SuppressionRow> CreateAsync(SuppressionInput input)
    {
        await _actor.RequireAsync(Permission.Write);
        var (pattern, type, reason) = Validate(input);
        await using var db = await _dbs.CreateDbContextAsync();
        // Plain equality on the pattern: exact and regex rules are case-sensitive.
        if (await db.IngestSuppressions.AnyAsync(s => s.Type == type && s.Pattern == pattern))
            throw new ConflictException($"A {Name(type)} rule for '{pattern}' already exists.");
        var rule = new IngestSuppression { Pattern = pattern, Type = type, Reason = reason, CreatedAt = _clock.GetUtcNow().UtcDateTime };
        db.IngestSuppressions.Add(rule);
        await db.SaveChangesAsync();
        return ToRow(rule);
    }

    /// <summary>Deletes a rule; events it would have dropped are ingested again from now on.</summary>
    public async Task DeleteAsync(int id)
    {
        await _actor.RequireAsync(Permission.Write);
        await using var db = await _dbs.CreateDbContextAsync();
        var rule = await db.IngestSuppressions.FindAsync(id) ?? throw new NotFoundException("Suppression rule", id);
        db.IngestSuppressions.Remove(rule);
        await db.SaveChangesAsync();
    }

    /// <summary>A matcher over every current rule, oldest first, for one ingest batch.</summary>
    public async Task<SuppressionMatcher> LoadMatcherAsync()
    {
        await _actor.RequireAsync(Permission.Ingest);
        await using var db = await _dbs.CreateDbContextAsync();
        var rules = await db.IngestSuppressions.AsNoTracking().OrderBy(s => s.Id)
            .Select(s => new SuppressionRule(s.Id, s.Type, s.Pattern)).ToListAsync();
        return new SuppressionMatcher(rules);
    }

    /// <summary>
    /// Adds hits to the rules' counters. Plain SQL on purpose: counting hits is bookkeeping, not a
    /// configuration change, and must not write an audit entry per ingest batch.
    /// </summary>
    public async Task RecordHitsAsync(IReadOnlyDictionary<int, long> hitsByRule, DateTime at)
    {
        await _actor.RequireAsync(Permission.Ingest);
        if (hitsByRule.Count == 0) return;
        await using var db = await _dbs.CreateDbContextAsync();
        var when = SqlValues.Instant(DateTime.SpecifyKind(at, DateTimeKind.Utc));
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var (id, hits) in hitsByRule)
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE ingest_suppressions SET hit_count = hit_count + {hits}, last_hit_at = CASE WHEN last_hit_at IS NULL OR last_hit_at < {when} THEN {when} ELSE last_hit_at END WHERE id = {id}");
        await transaction.CommitAsync();
    }

    private static (string Pattern, SuppressionType Type, string Reason) Validate(SuppressionInput input)
    {
        // Trimmed: a space pasted at either end would make a rule that never matches.
        var pattern = (input.Pattern ?? "").Trim();
        var type = ParseType(input.Type);
        var v = new Validator()
            .Required(pattern, "pattern", MaxPatternLength)
            .Check(type is not null, "type", "Type must be exact, glob or regex.")
            .MaxLength(input.Reason, "reason", MaxReasonLength);
        if (v.IsValid && type is SuppressionType t && SuppressionMatcher.Problem(t, pattern) is { } problem)
            v.Check(false, "pattern", problem);
        v.ThrowIfInvalid();
        return (pattern, type!.Value, (input.Reason ?? "").Trim());
    }

    /// <summary>The lower-case API name of the type, or null. Numbers are not accepted as names.</summary>
    public static SuppressionType? ParseType(string? text)
        => Enum.GetValues<SuppressionType>().Cast<SuppressionType?>()
            .FirstOrDefault(t => string.Equals(Name(t!.Value), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Name(SuppressionType type) => type.ToString().ToLowerInvariant();

    private static SuppressionRow ToRow(IngestSuppression s)
        => new(s.Id, s.Pattern, s.Type, s.Reason, s.CreatedAt, s.HitCount, s.LastHitAt);

    private static readonly SortMap<IngestSuppression> Sorts = new SortMap<IngestSuppression>("CreatedAt desc")
        .Add("Id", s => s.Id).Add("Pattern", s => s.Pattern).Add("Type", s => s.Type).Add("Reason", s => s.Reason)
        .Add("CreatedAt", s => s.CreatedAt).Add("HitCount", s => s.HitCount).Add("LastHitAt", s => s.LastHitAt);
}
