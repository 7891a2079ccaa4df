using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// A fresh database in its own temporary folder, removed on dispose: a SQLite file by default, or,
/// when <c>MC_TEST_POSTGRES</c> names a PostgreSQL server (<c>.ci/run</c> sets it for the suite's
/// PostgreSQL pass), a database of its own on that server, already migrated. The folder exists on
/// both (hosts keep their Hangfire file and logs there).
/// </summary>
public sealed class TempDatabase : IDisposable
{
    private readonly string? _postgresName;

    public TempDatabase() : this(TestPostgres.Enabled ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite) { }

    /// <summary>A database of the given provider: tests of SQLite files (the sample, upgrades) ask for SQLite.</summary>
    public TempDatabase(DatabaseProvider provider)
    {
        Provider = provider;
        System.IO.Directory.CreateDirectory(Directory);
        if (provider == DatabaseProvider.PostgreSql) _postgresName = TestPostgres.CreateDatabase();
    }

    public DatabaseProvider Provider { get; }
    public bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;
    public string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mc-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The SQLite file; on PostgreSQL a file that is never created (OfflineHost takes its folder as content root).</summary>
    public string FilePath => System.IO.Path.Combine(Directory, "app.db");

    public string ConnectionString => _postgresName is null ? $"Data Source={FilePath}" : TestPostgres.ConnectionString(_postgresName);

    /// <summary>The configuration keys that point a host at this database.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Database:Provider", IsPostgreSql ? "postgresql" : "sqlite"),
        new("ConnectionStrings:Default", ConnectionString),
    ];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (_postgresName is not null) TestPostgres.DropDatabase(_postgresName);
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a process still holds it; the OS temp cleaner will */ }
    }
}
