using System.IO.Compression;
using MeteringConsole.Common;
using MeteringConsole.Features;
using MeteringConsole.Features.Clients;
using MeteringConsole.Features.Billing;
using MeteringConsole.Data;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Data;

/// <summary>
/// A database written by the release of 2026-11-21 (net9.0, EF Core 6: a copy of that day's
/// app.db.sample, kept gzipped as a fixture) opens on today's build and migrates with nothing lost.
/// </summary>
[Trait(Store.Key, Store.SqliteOnly)]
public sealed class ReleaseUpgradeTests
{
    private static readonly string Fixture = Path.Combine(RepoPaths.Root, "MeteringConsole.Tests", "Fixtures", "release-2026-11-21.db.gz");

    [Fact]
    public async Task DatabaseOfThePreviousReleaseMigratesWithEveryRowKept()
    {
        using var database = new TempDatabase(DatabaseProvider.Sqlite);
        await using (var gz = new GZipStream(File.OpenRead(Fixture), CompressionMode.Decompress))
        await using (var file = File.Create(database.FilePath))
            await gz.CopyToAsync(file);
        var before = RowCounts(database);
        Assert.True(before["usage_readings"] > 50_000, "the fixture is the full sample");

        using (var host = OfflineHost.Build(database.FilePath, clock: new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestClock.Now)))
        await using (var scope = await host.MigratedScopeAsync(Actor.System("test")))
        {
            // The services read it: clients, and the billed history with its money.
            var clients = await scope.ServiceProvider.GetRequiredService<ClientService>().ListAsync(new ClientFilter(), new PageRequest(Take: 1));
            Assert.Equal(before["clients"], clients.Total);
            var periods = await scope.ServiceProvider.GetRequiredService<BillingReadingService>().PeriodsAsync();
            var september = Assert.Single(periods, p => p.PeriodStart == "2026-09-01");
            Assert.True(september.Finalized);
            Assert.True(september.TotalCost > 0);
        }

        var after = RowCounts(database);
        // The migration history is the one table that must grow: by the migrations added since the release.
        using (var db = new AppDbContext(new DbContextOptionsBuilder<AppDbContext>().UseSqlite("Data Source=:memory:").Options))
            Assert.Equal(db.Database.GetMigrations().Count(), after["__EFMigrationsHistory"]);
        foreach (var (table, count) in before.Where(t => t.Key != "__EFMigrationsHistory"))
            Assert.True(after.TryGetValue(table, out var kept) && kept == count, $"{table}: {count} rows before, {kept} after");
        AssertBackfilled(database);
    }

    /// <summary>Contract dates and what each reading was billed as were filled in from the rows the release had.</summary>
    private static void AssertBackfilled(TempDatabase database)
    {
        using var connection = new SqliteConnection(database.ConnectionString + ";Pooling=False");
        connection.Open();
        long Scalar(string sql)
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = sql;
            return (long)cmd.ExecuteScalar()!;
        }
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM billing_buckets WHERE starts_on IS NULL OR starts_on < '2000-01-01'"));
        // A bucket billed before contract dates existed stays billable for every period it was billed for.
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM billing_readings r JOIN billing_buckets b ON b.id = r.bucket_id WHERE b.starts_on > date(r.period_start)"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM billing_readings WHERE bucket_name = '' OR source_type = '' OR unit_type = '' OR aggregation = ''"));
        Assert.Equal(0, Scalar("""
            SELECT COUNT(*) FROM billing_readings r JOIN billing_buckets b ON b.id = r.bucket_id
            WHERE r.bucket_name <> b.name OR r.aggregation <> b.aggregation
            """));
    }

    private static Dictionary<string, long> RowCounts(TempDatabase database)
    {
        using var connection = new SqliteConnection(database.ConnectionString + ";Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using var reader = list.ExecuteReader();
            while (reader.Read()) tables.Add(reader.GetString(0));
        }
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            using var count = connection.CreateCommand();
            count.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts[table] = (long)count.ExecuteScalar()!;
        }
        return counts;
    }
}
