using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features;

/// <summary>
/// The app's services over one database file, without the web server: the sample command,
/// the benchmarks and the service tests use it. Built, never started, so no scheduled job runs.
/// </summary>
public static class OfflineHost
{
    /// <param name="clock">The clock every service reads (tests pin it); the configured one when null.</param>
    public static IHost Build(string databaseFile, IDictionary<string, string?>? settings = null, string environment = "Production",
        TimeProvider? clock = null)
    {
        // No defaults: the machine's configuration, user secrets and log providers stay out of it.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Path.GetDirectoryName(Path.GetFullPath(databaseFile)),
            EnvironmentName = environment,
        });
        var configuration = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = new SqliteConnectionStringBuilder { DataSource = databaseFile }.ToString(),
            ["Database:SeedFromSample"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        if (clock is not null) builder.Services.AddSingleton(clock);
        builder.AddData();
        builder.Services.AddFeatures();
        return builder.Build();
    }

    /// <summary>A scope acting as <paramref name="actor"/> over a database migrated to the latest schema.</summary>
    public static async Task<AsyncServiceScope> MigratedScopeAsync(this IHost host, Actor actor, CancellationToken ct = default)
    {
        var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(actor);
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
        return scope;
    }
}
