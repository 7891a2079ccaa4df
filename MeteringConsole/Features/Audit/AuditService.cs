using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Audit;

public sealed record AuditRow(long Id, string Action, string Table, string RecordId, string Actor, string? UserId,
    int? ApiKeyId, DateTime CreatedAt, string? OldValues, string? NewValues);

/// <summary>
/// Which entries to show. Table is exact; action is one of <see cref="AuditService.Actions"/>; actor is a part of the
/// actor label (any case); From and To are inclusive UTC instants.
/// </summary>
public sealed record AuditFilter(string? Table = null, string? Action = null, string? Actor = null,
    DateTime? From = null, DateTime? To = null);

/// <summary>Reads the audit log. Entries are written only by the audit interceptor; nothing here changes them.</summary>
public sealed class AuditService
{
    /// <summary>Changes of rows, and the sign-ins and sign-outs of console users (which change no row).</summary>
    public static readonly string[] Actions = { "Insert", "Update", "Delete", "SignIn", "SignOut" };

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly CurrentActor _actor;

    public AuditService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor)
    {
        _dbs = dbs;
        _actor = actor;
    }

    /// <summary>Newest first unless another order is asked for.</summary>
    public async Task<Page<AuditRow>> ListAsync(AuditFilter filter, PageRequest page)
    {
        await _actor.RequireAsync(Permission.Admin);
        var action = Validate(filter);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(filter.Table)) query = query.Where(a => a.Table == filter.Table.Trim());
        if (action is not null) query = query.Where(a => a.Action == action);
        if (!string.IsNullOrWhiteSpace(filter.Actor))
            query = query.WhereLike(db.Database, "%" + EscapeLike(filter.Actor.Trim()) + "%", a => a.Actor);
        if (filter.From is DateTime from) query = query.Where(a => a.CreatedAt >= from);
        if (filter.To is DateTime to) query = query.Where(a => a.CreatedAt <= to);
        var total = await query.CountAsync();
        var rows = await Sorts.Apply(query, page.OrderBy).Page(page)
            .Select(a => new AuditRow(a.Id, a.Action, a.Table, a.RecordId, a.Actor, a.UserId, a.ApiKeyId, a.CreatedAt, a.OldValues, a.NewValues))
            .ToListAsync();
        return new Page<AuditRow>(rows, total);
    }

    /// <summary>Every table that has audit entries, for the filter.</summary>
    public async Task<IReadOnlyList<string>> TablesAsync()
    {
        await _actor.RequireAsync(Permission.Admin);
        await using var db = await _dbs.CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().Select(a => a.Table).Distinct().OrderBy(t => t).ToListAsync();
    }

    /// <summary>The action as stored (Insert, Update, Delete), or null for all.</summary>
    private static string? Validate(AuditFilter filter)
    {
        var action = string.IsNullOrWhiteSpace(filter.Action)
            ? null
            : Actions.FirstOrDefault(a => a.Equals(filter.Action.Trim(), StringComparison.OrdinalIgnoreCase));
        new Validator()
            .Check(string.IsNullOrWhiteSpace(filter.Action) || action is not null, "action", $"Action must be one of {string.Join(", ", Actions)}.")
            .Check(filter.From is null || filter.To is null || filter.From <= filter.To, "to", "To must not be before from.")
            .ThrowIfInvalid();
        return action;
    }

    private static string EscapeLike(string text)
        => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    // Ids grow in the order entries are written (inside the writer's transaction), so sorting on the
    // key gives time order without ties between the entries of one save.
    private static readonly SortMap<AuditEntry> Sorts = new SortMap<AuditEntry>("CreatedAt desc")
        .Add("Id", a => a.Id).Add("CreatedAt", a => a.Id).Add("Action", a => a.Action).Add("Table", a => a.Table)
        .Add("RecordId", a => a.RecordId).Add("Actor", a => a.Actor).Add("ApiKeyId", a => a.ApiKeyId);
}
