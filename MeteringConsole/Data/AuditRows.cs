using System.Data.Common;
using MeteringConsole.Common;

namespace MeteringConsole.Data;

/// <summary>
/// Writes one audit entry on a given connection and transaction: the one INSERT that both the
/// EF interceptor and hand-written SQL paths (ingest creating assets) use, so entries look alike.
/// </summary>
public static class AuditRows
{
    public static async Task InsertAsync(DbConnection connection, DbTransaction? transaction, string action, string table, string recordId,
        Actor actor, DateTime at, string? oldValues, string? newValues, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = """
            INSERT INTO audit_entries (action, "table", record_id, actor, user_id, api_key_id, created_at, old_values, new_values)
            VALUES (@action, @table, @record, @actor, @user, @key, @at, @old, @new)
            """;
        cmd.Bind("@action", action);
        cmd.Bind("@table", table);
        cmd.Bind("@record", recordId);
        cmd.Bind("@actor", actor.Label);
        cmd.Bind("@user", actor.UserId);
        cmd.Bind("@key", actor.ApiKeyId);
        cmd.Bind("@at", SqlValues.Instant(at));
        cmd.Bind("@old", oldValues);
        cmd.Bind("@new", newValues);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
