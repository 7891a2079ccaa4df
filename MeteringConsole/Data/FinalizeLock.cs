using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Data;

/// <summary>
/// Keeps readings out of a period while it is finalized, across console processes on one
/// PostgreSQL database. Ingest re-checks finalized periods (and disabled clients) inside its
/// transaction; without a lock a finalize committing in another process between that check and
/// the batch's commit would let late readings into a finalized period. So each ingest batch holds
/// a transaction-level advisory lock shared (batches run side by side) and finalize takes it
/// exclusive before its own checks: it waits for the batches in flight, and batches that start
/// meanwhile wait for it (PostgreSQL queues a shared request behind a waiting exclusive one, so
/// sustained ingest cannot starve a finalize), then re-check and see the period finalized.
/// Both are released by COMMIT or ROLLBACK. SQLite needs none of this: it has one writer, and
/// ingest's BEGIN IMMEDIATE already excludes a finalize in any process.
/// </summary>
public static class FinalizeLock
{
    /// <summary>The advisory lock's key: "MCfinal" in ASCII, unlikely to collide with another application's keys.</summary>
    public const long Key = 0x4D_43_66_69_6E_61_6C;

    /// <summary>Ingest's side, inside its transaction: shared, so batches do not exclude each other.</summary>
    public static async Task TakeSharedAsync(DbConnection connection, DbTransaction transaction, DatabaseOptions database, CancellationToken ct)
    {
        if (!database.IsPostgreSql) return;
        await using var cmd = connection.Command("SELECT pg_advisory_xact_lock_shared(@key)", transaction);
        cmd.Bind("@key", Key);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Finalize's side, first thing inside its transaction (before its checks).</summary>
    public static async Task TakeExclusiveAsync(AppDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsNpgsql()) return;
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("The finalize lock is taken inside a transaction.");
        await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [Key], ct);
    }
}
