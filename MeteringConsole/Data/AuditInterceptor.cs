using System.Globalization;
using System.Data.Common;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace MeteringConsole.Data;

/// <summary>
/// Records every insert, update and delete of an <see cref="IAudited"/> entity (and of a console
/// user's role memberships), with the actor and
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
            .Where(e => e.Entity is IAudited or IdentityUserRole<string> && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(e => new PendingChange(e, e.State, e.State == EntityState.Added ? null : Values(e, original: true),
                e.State == EntityState.Modified ? ChangedSecrets(e) : []))
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
                var secrets = change.ChangedSecrets;
                if (changed.Count == 0 && secrets.Count == 0) return;
                var before = changed.ToDictionary(k => k, k => change.Original![k]);
                var after = changed.ToDictionary(k => k, k => current[k]);
                // A new password or key secret is recorded as changed, never by its hash.
                foreach (var secret in secrets) (before[secret], after[secret]) = ("(hidden)", "(changed)");
                oldValues = Json(before);
                newValues = Json(after);
                break;
        }

        await AuditRows.InsertAsync(connection, transaction, action, entry.Metadata.GetTableName() ?? entry.Metadata.ClrType.Name,
            string.Join(",", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => RecordIdPart(entry.Property(p.Name).CurrentValue))),
            actor, now, oldValues, newValues, ct);
    }

    /// <summary>
    /// A key as people and scripts read it, whatever the server's culture: a date key (a billing
    /// period) in ISO form, yyyy-MM-dd at midnight, else the round-trip form.
    /// </summary>
    public static string RecordIdPart(object? value) => value switch
    {
        DateTime d when d.TimeOfDay == TimeSpan.Zero => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    private static Dictionary<string, object?> Values(EntityEntry entry, bool original)
    {
        var values = entry.Properties
            .Where(p => !IsSecret(p.Metadata.Name) && !IsStamp(p.Metadata.Name))
            .ToDictionary(p => SnakeCaseNaming.ToSnake(p.Metadata.Name), p => original ? p.OriginalValue : p.CurrentValue);
        // A user's role row holds two ids; the role's name says what changed.
        if (entry.Entity is IdentityUserRole<string> link)
            values["role"] = entry.Context.ChangeTracker.Entries<IdentityRole>().FirstOrDefault(r => r.Entity.Id == link.RoleId)?.Entity.Name;
        return values;
    }

    /// <summary>Hashes (password, API key secret) are never written to the log, not even as a change of hash.</summary>
    // Key and password hashes, webhook signing secrets: a change is recorded, never the value.
    private static bool IsSecret(string property)
        => property.EndsWith("Hash", StringComparison.Ordinal) || property.Contains("Secret", StringComparison.Ordinal);

    /// <summary>Identity's security and concurrency stamps: random tokens that say nothing to a reader and are not kept.</summary>
    private static bool IsStamp(string property) => property.EndsWith("Stamp", StringComparison.Ordinal);

    /// <summary>"password" for PasswordHash, "secret" for SecretHash: the secrets whose hash this update replaces.</summary>
    private static IReadOnlyList<string> ChangedSecrets(EntityEntry entry)
        => entry.Properties
            .Where(p => IsSecret(p.Metadata.Name) && !Equals(p.OriginalValue, p.CurrentValue))
            .Select(p => SnakeCaseNaming.ToSnake(p.Metadata.Name[..^"Hash".Length]))
            .ToList();

    private static string Json(Dictionary<string, object?> values)
        => JsonSerializer.Serialize(values, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

/// <param name="ChangedSecrets">Taken before saving, like <paramref name="Original"/>: afterwards original and current values agree.</param>
internal sealed record PendingChange(EntityEntry Entry, EntityState State, Dictionary<string, object?>? Original, IReadOnlyList<string> ChangedSecrets);

internal sealed record PendingAudit(Actor Actor, List<PendingChange> Changes, IDbContextTransaction? OwnTransaction);
