using System.Security.Cryptography;
using MeteringConsole.Data;
using MeteringConsole.Features;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MeteringConsole.Tests.Features.Sample;

/// <summary>
/// First starts from the committed app.db.sample, once for the whole class (each one regenerates
/// the sample, the slow part), with the app's clock pinned to days after the sample's and to its own day.
/// </summary>
public sealed class SeededSamples : IAsyncLifetime
{
    /// <summary>Months after the sample: periods closed since it have to be billed and finalized.</summary>
    public const string MonthsLater = "2027-03-10T09:00:00Z";

    /// <summary>Days after it: one more period closed, the open one only a few days old.</summary>
    public const string DaysLater = "2026-12-05T14:30:00Z";

    /// <summary>The sample's own day (it is as of 2026-11-20 00:00 UTC): still today's picture.</summary>
    public const string SameDay = "2026-11-20T18:00:00Z";

    private readonly TempDatabase _folder = new();
    private readonly Dictionary<string, string> _databases = new();
    private readonly Dictionary<string, string> _seededHashes = new();

    public static string CommittedSample => Path.Combine(RepoPaths.Root, DatabaseInitializer.SampleFileName);

    public string SampleHashBefore { get; private set; } = "";
    public string SampleHashAfter { get; private set; } = "";

    /// <summary>The database a first start with the clock at <paramref name="now"/> created.</summary>
    public string Database(string now) => _databases[now];

    /// <summary>The database's bytes as seeding left them, before the start-up migration touched its header.</summary>
    public string SeededHash(string now) => _seededHashes[now];

    public static DateTimeOffset Clock(string now) => DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        SampleHashBefore = Hash(CommittedSample);
        // One after the other: the machine has two cores, and generation uses both.
        foreach (var now in new[] { MonthsLater, DaysLater, SameDay }) _databases[now] = await FirstStartAsync(now);
        SampleHashAfter = Hash(CommittedSample);
    }

    /// <summary>What the console does on start when its database file is missing, over a file of its own.</summary>
    private async Task<string> FirstStartAsync(string now)
    {
        var file = Path.Combine(_folder.Directory, $"{Clock(now):yyyyMMdd}.db");
        using (var host = OfflineHost.Build(file, clock: new FakeTimeProvider(Clock(now))))
        {
            await using var scope = host.Services.CreateAsyncScope();
            var initializer = scope.ServiceProvider.GetRequiredService<DatabaseInitializer>();
            await initializer.SeedFromAsync(CommittedSample);
            SqliteConnection.ClearAllPools();
            _seededHashes[now] = Hash(file);
            await initializer.MigrateAsync();
        }
        SqliteConnection.ClearAllPools();
        return file;
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    public static string Hash(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
