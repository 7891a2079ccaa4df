using System.Data.Common;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace MeteringConsole.Data;

/// <summary>
/// Records every insert, update and delete of an <see cref="IAudited"/> entity, with the actor and
/// old/new values as JSON, in the same transaction as the change. Audit entries themselves can only
/// be added: the interceptor refuses changes to them and database triggers refuse raw SQL.
/// </summary>
public sealed class AuditInterceptor : SaveChangesInterceptor
{
    private readonly CurrentActor _actor;
    private readonly TimeProvider _clock;

    public AuditInterceptor(CurrentActor actor, TimeProvider clock)
    {
        _actor = actor;
        _clock = clock;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        => throw new InvalidOperationException("Use SaveChangesAsync: auditing resolves the actor asynchronously.");

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not AppDbContext db) return result;
        var tracker = db.ChangeTracker;
        tracker.DetectChanges();
        if (tracker.Entries<AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
            throw new InvalidOperationException("Audit entries are append-only.");

        var changes = tracker.Entries()
            .Where(e => e.Entity is IAudited && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => new PendingChange(e, e.State, e.State == EntityState.Added ? null : Values(e, original: true)))
            .ToList();
        if (changes.Count == 0) return result;

        var actor = await _actor.GetAsync();
        // Inserted rows only get their ids on save; the audit rows are written afterwards, inside a
        // transaction that this interceptor opens when the caller has none.
        var ownTransaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : null;
        db.PendingAudit = new PendingAudit(actor, changes, ownTransaction);
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(
        SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not AppDbContext { PendingAudit: { } pending } db) return result;
        db.PendingAudit = null;
        try
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            var connection = db.Database.GetDbConnection();
            var transaction = db.Database.CurrentTransaction!.GetDbTransaction();
            foreach (var change in pending.Changes)
                await InsertAsync(connection, transaction, change, pending.Actor, now, cancellationToken);
            if (pending.OwnTransaction is not null) await pending.OwnTransaction.CommitAsync(cancellationToken);
        }
        finally
        {
            if (pending.OwnTransaction is not null) await pending.OwnTransaction.DisposeAsync();
        }
        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not AppDbContext { PendingAudit: { } pending } db) return;
        db.PendingAudit = null;
        if (pending.OwnTransaction is not null)
        {
            await pending.OwnTransaction.RollbackAsync(cancellationToken);
            await pending.OwnTransaction.DisposeAsync();
        }
    }

    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, PendingChange change,
        Actor actor, DateTime now, CancellationToken ct)
    {
        var entry = change.Entry;
        string action;
        string? oldValues = null, newValues = null;
        switch (change.State)
        {
            case EntityState.Added:
                action = "Insert";
                newValues = Json(Values(entry, original: false));
                break;
            case EntityState.Deleted:
                action = "Delete";
                oldValues = Json(change.Original!);
                break;
            default:
                action = "Update";
                var current = Values(entry, original: false);
                var changed = current.Keys.Where(k => !Equals(current[k], change.Original![k])).ToList();
                if (changed.Count == 0) return;
                oldValues = Json(changed.ToDictionary(k => k, k => change.Original![k]));
                newValues = Json(changed.ToDictionary(k => k, k => current[k]));
                break;
        }

        await AuditRows.InsertAsync(connection, transaction, action, entry.Metadata.GetTableName() ?? entry.Metadata.ClrType.Name,
            string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue)),
            actor, now, oldValues, newValues, ct);
    }

    private static Dictionary<string, object?> Values(EntityEntry entry, bool original)
        => entry.Properties
            // Key hashes and webhook signing secrets never reach the audit log.
            .Where(p => !p.Metadata.Name.Contains("Hash", StringComparison.Ordinal) && !p.Metadata.Name.Contains("Secret", StringComparison.Ordinal))
            .ToDictionary(p => SnakeCaseNaming.ToSnake(p.Metadata.Name), p => original ? p.OriginalValue : p.CurrentValue);

    private static string Json(Dictionary<string, object?> values)
        => JsonSerializer.Serialize(values, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

internal sealed record PendingChange(EntityEntry Entry, EntityState State, Dictionary<string, object?>? Original);

internal sealed record PendingAudit(Actor Actor, List<PendingChange> Changes, IDbContextTransaction? OwnTransaction);
