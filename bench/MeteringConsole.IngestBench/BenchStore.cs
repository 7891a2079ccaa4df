using Npgsql;

namespace MeteringConsole.IngestBench;

/// <summary>
/// Where the bench's databases live: <c>--provider sqlite</c> (default; a file per run in the work
/// folder) or <c>--provider postgresql</c> with <c>--postgres "&lt;admin connection string&gt;"</c>
/// (or env <c>MC_BENCH_POSTGRES</c>): each run's "file" name becomes a fresh database of its own on
/// that server, dropped at the end. Console processes get <c>Database:Provider</c> to match.
/// </summary>
public sealed class BenchStore : IAsyncDisposable
{
    private readonly string? _admin;
    private readonly string _prefix = $"mc_bench_{Guid.NewGuid().ToString("N")[..8]}";
    private readonly HashSet<string> _created = new();

    private BenchStore(string? admin) => _admin = admin;

    /// <summary>The store every bench run uses (set once by Program from the command line).</summary>
    public static BenchStore Current { get; set; } = new(null);

    public bool IsPostgreSql => _admin is not null;
    public string Provider => IsPostgreSql ? "postgresql" : "sqlite";

    public static BenchStore Parse(string[] args)
    {
        string? Text(string name) => Array.IndexOf(args, name) is var i and >= 0 ? args[i + 1] : null;
        var provider = (Text("--provider") ?? "sqlite").ToLowerInvariant();
        if (provider is "sqlite") return new BenchStore(null);
        if (provider is not ("postgresql" or "postgres"))
            throw new ArgumentException($"--provider is sqlite or postgresql, not '{provider}'.");
        var admin = Text("--postgres") ?? Environment.GetEnvironmentVariable("MC_BENCH_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
            throw new ArgumentException("--provider postgresql needs --postgres \"Host=…;Port=…;Username=…\" (an admin connection string) or MC_BENCH_POSTGRES.");
        return new BenchStore(admin);
    }

    /// <summary>The console's settings for the database named by a bench "file": created on the server the first time.</summary>
    public IDictionary<string, string?> Settings(string databasePath)
    {
        if (!IsPostgreSql)
            return new Dictionary<string, string?> { ["Database:Provider"] = "sqlite", ["ConnectionStrings:Default"] = $"Data Source={databasePath}" };
        var name = $"{_prefix}_{Path.GetFileNameWithoutExtension(databasePath)}".ToLowerInvariant();
        lock (_created)
            if (_created.Add(name)) Admin($"CREATE DATABASE \"{name}\"");
        return new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgresql",
            ["ConnectionStrings:Default"] = new NpgsqlConnectionStringBuilder(_admin) { Database = name }.ToString(),
        };
    }

    public override string ToString() => IsPostgreSql ? $"PostgreSQL at {new NpgsqlConnectionStringBuilder(_admin).Host}:{new NpgsqlConnectionStringBuilder(_admin).Port}" : "SQLite";

    private void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_admin) { Database = "postgres", Pooling = false }.ToString());
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        foreach (var name in _created) Admin($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        return ValueTask.CompletedTask;
    }
}
