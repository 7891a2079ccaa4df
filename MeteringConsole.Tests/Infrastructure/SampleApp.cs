using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// A <see cref="TestApp"/> over a copy of app.db.sample, as the browser tests' app runs: realistic
/// buckets, billed periods (August and September finalized, October open) and projections of the
/// open period, read at <see cref="TestClock.Now"/>.
/// </summary>
public static class SampleApp
{
    public static async Task<TestApp> CreateAsync(Action<IDictionary<string, string?>>? configure = null)
    {
        var app = await TestApp.CreateAsync(configure);
        // The fresh file TestApp migrated is replaced by the sample, then brought to today's schema.
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "-wal", "-shm" }) File.Delete(app.Database.FilePath + suffix);
        File.Copy(Path.Combine(RepoPaths.Root, "app.db.sample"), app.Database.FilePath, overwrite: true);
        await using var scope = app.Scope(Actor.System("test"));
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        return app;
    }

    /// <summary>
    /// Starts the app's hosted services (the job scheduler), which a TestApp never starts, so "run
    /// now" runs; disposing the result stops them before the app goes.
    /// </summary>
    public static async Task<IAsyncDisposable> StartJobsAsync(TestApp app)
    {
        var services = app.Services.GetServices<IHostedService>().ToList();
        foreach (var service in services) await service.StartAsync(CancellationToken.None);
        return new Started(services);
    }

    private sealed class Started(IReadOnlyList<IHostedService> services) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var service in services.Reverse()) await service.StopAsync(CancellationToken.None);
        }
    }
}
