using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features;
using Npgsql;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server of the suite's PostgreSQL pass (<c>MC_TEST_POSTGRES</c>, an admin connection
/// string; <c>.ci/run</c> starts a private cluster and sets it). Migrating per test would dominate
/// the run, so this process migrates one template database once and every test database is a copy.
/// </summary>
public static class TestPostgres
{
    public static readonly string? AdminConnectionString = Environment.GetEnvironmentVariable("MC_TEST_POSTGRES") is { Length: > 0 } cs ? cs : null;
    public static bool Enabled => AdminConnectionString is not null;

    private static readonly string Prefix = $"mc_{Environment.ProcessId}_{Guid.NewGuid().ToString("N")[..6]}";
    private static readonly Lazy<string> Template = new(CreateTemplate, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock CreateLock = new();

    public static string ConnectionString(string database)
        => new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ToString();

    /// <summary>A new, migrated database; returns its name.</summary>
    public static string CreateDatabase()
    {
        var template = Template.Value;
        var name = $"{Prefix}_{Guid.NewGuid().ToString("N")[..12]}";
        // One copy at a time: PostgreSQL refuses to copy a template another statement is copying.
        lock (CreateLock) Admin($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\" STRATEGY FILE_COPY");
        return name;
    }

    public static void DropDatabase(string name) => Admin($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");

    private static string CreateTemplate()
    {
        var name = $"{Prefix}_template";
        Admin($"CREATE DATABASE \"{name}\"");
        // No pooling: a template must have no open connection when it is copied.
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgresql",
            ["ConnectionStrings:Default"] = new NpgsqlConnectionStringBuilder(ConnectionString(name)) { Pooling = false }.ToString(),
        };
        using var host = OfflineHost.Build(Path.Combine(Path.GetTempPath(), "mc-tests", "postgres-template.db"), settings, environment: "Testing");
        using (var scope = host.MigratedScopeAsync(Actor.System("test")).GetAwaiter().GetResult()) { }
        AppDomain.CurrentDomain.ProcessExit += (_, _) => { try { DropDatabase(name); } catch (NpgsqlException) { /* the cluster is gone */ } };
        return name;
    }

    private static void Admin(string sql)
    {
        using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres", Pooling = false }.ToString());
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
