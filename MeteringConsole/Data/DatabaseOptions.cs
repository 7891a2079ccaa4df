using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MeteringConsole.Data;

/// <summary>The store behind the console: <c>Database:Provider</c> = <c>sqlite</c> (default) or <c>postgresql</c>.</summary>
public enum DatabaseProvider { Sqlite, PostgreSql }

/// <summary>
/// The configured database: its provider and resolved connection string (a relative SQLite path
/// resolved against the content root), and the one way hand-written SQL opens a connection.
/// </summary>
public sealed class DatabaseOptions : IDisposable
{
    private readonly Lazy<NpgsqlDataSource>? _npgsql;

    public DatabaseOptions(string connectionString) : this(DatabaseProvider.Sqlite, connectionString) { }

    public DatabaseOptions(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        if (provider == DatabaseProvider.PostgreSql) _npgsql = new(() => NpgsqlDataSource.Create(WithDeadClientCheck(connectionString)));
    }

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }
    public bool IsPostgreSql => Provider == DatabaseProvider.PostgreSql;

    /// <summary>The SQLite file (or <c>:memory:</c>); null on PostgreSQL.</summary>
    public string? SqliteFile => IsPostgreSql ? null : new SqliteConnectionStringBuilder(ConnectionString).DataSource;

    /// <summary>Where the data is, for messages: the SQLite file, or host, port and database without the password.</summary>
    public string Display
    {
        get
        {
            if (!IsPostgreSql) return SqliteFile!;
            var builder = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}";
        }
    }

    /// <summary>PostgreSQL's pooled data source (EF Core and hand-written SQL share its pool).</summary>
    public NpgsqlDataSource NpgsqlDataSource => _npgsql?.Value ?? throw new InvalidOperationException("The database is not PostgreSQL.");

    /// <summary>An open connection for hand-written SQL: SQLite with the app's pragmas, or one from PostgreSQL's pool.</summary>
    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
        => IsPostgreSql ? await NpgsqlDataSource.OpenConnectionAsync(ct) : await SqliteSetup.OpenAsync(ConnectionString, ct);

    /// <summary>
    /// A console killed mid-query (a crash, a deploy) leaves its server process running the query
    /// and holding its locks until it next writes to the socket: a billing run's period lock could
    /// then stall the next console's run for minutes. PostgreSQL 14+ checks the client is still
    /// there every few seconds when asked to, and cancels the query when it is not.
    /// </summary>
    private static string WithDeadClientCheck(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("client_connection_check_interval", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c client_connection_check_interval=2000".Trim();
        return builder.ToString();
    }

    public static DatabaseProvider ParseProvider(string? text) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "sqlite" => DatabaseProvider.Sqlite,
        "postgresql" or "postgres" or "npgsql" => DatabaseProvider.PostgreSql,
        _ => throw new InvalidOperationException($"Database:Provider must be sqlite or postgresql, not '{text}'."),
    };

    public void Dispose()
    {
        if (_npgsql is { IsValueCreated: true }) _npgsql.Value.Dispose();
    }
}
