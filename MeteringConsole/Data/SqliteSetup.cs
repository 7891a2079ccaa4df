using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MeteringConsole.Data;

/// <summary>Every connection, EF's or hand-made, gets the same pragmas.</summary>
public static class SqliteSetup
{
    public const int BusyTimeoutMs = 10_000;

    public static void ApplyPragmas(DbConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = $"PRAGMA foreign_keys=ON; PRAGMA busy_timeout={BusyTimeoutMs};";
        // WAL lets dashboards read a snapshot while ingest writes; NORMAL sync is durable in WAL
        // mode except for the last transactions on power loss, never corrupting. Switching to WAL
        // writes, so read-only connections (EF's existence check among them) leave it alone.
        if (new SqliteConnectionStringBuilder(connection.ConnectionString).Mode != SqliteOpenMode.ReadOnly)
            cmd.CommandText += " PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Opens a raw connection for hot paths (ingest, billing aggregation), with a 64 MiB page
    /// cache instead of SQLite's 2 MiB: the event id index of a large readings table stays warm.
    /// </summary>
    public static async Task<SqliteConnection> OpenAsync(string connectionString, CancellationToken ct = default)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(ct);
        ApplyPragmas(connection);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA cache_size = -65536";
        await cmd.ExecuteNonQueryAsync(ct);
        return connection;
    }
}

/// <summary>Applies <see cref="SqliteSetup.ApplyPragmas"/> to EF's connections.</summary>
public sealed class SqlitePragmaInterceptor : DbConnectionInterceptor
{
    public static readonly SqlitePragmaInterceptor Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        => SqliteSetup.ApplyPragmas(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        SqliteSetup.ApplyPragmas(connection);
        return Task.CompletedTask;
    }
}
