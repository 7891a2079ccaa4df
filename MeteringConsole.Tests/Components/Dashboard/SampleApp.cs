using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Components.Dashboard;

/// <summary>
/// A <see cref="TestApp"/> over a copy of app.db.sample (as the browser tests' app runs), for pages
/// whose figures only mean something over months of billed usage: the dashboard, a client's bucket cards.
/// </summary>
public static class SampleApp
{
    public static async Task<TestApp> CreateAsync()
    {
        var app = await TestApp.CreateAsync();
        // SQLite's backup API replaces the fresh file's content in place, safe with the app's pooled connections.
        await using (var sample = new SqliteConnection($"Data Source={Path.Combine(RepoPaths.Root, DatabaseInitializer.SampleFileName)};Mode=ReadOnly"))
        await using (var target = new SqliteConnection(app.Database.ConnectionString))
        {
            await sample.OpenAsync();
            await target.OpenAsync();
            sample.BackupDatabase(target);
        }
        SqliteConnection.ClearAllPools();
        await using var scope = app.Scope(Actor.System("test"));
        await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync();
        return app;
    }
}
