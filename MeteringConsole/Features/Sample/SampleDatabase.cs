using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// Writes a complete sample database file, never the configured one: a host of its own is built
/// over a temporary file beside the target, which is moved into place only once it is finished.
/// </summary>
internal static class SampleDatabase
{
    /// <summary>The instant the sample's history ends, unless <c>--as-of</c> says otherwise.</summary>
    public static readonly DateTime DefaultAnchor = new(2026, 11, 20, 0, 0, 0, DateTimeKind.Utc);

    /// <param name="clock">
    /// What the services stamp runs and audit entries with, and bill and finalize against: the system
    /// clock when null. It must not be before the anchor, or the closed periods are not closed yet.
    /// </param>
    /// <param name="progress">Told each step of the generation as it finishes.</param>
    public static async Task<(SampleSummary Summary, string Path, long Bytes)> WriteAsync(string path, DateTime anchor, bool force,
        CancellationToken ct = default, TimeProvider? clock = null, Action<string>? progress = null)
    {
        var target = Path.GetFullPath(path);
        if (Directory.Exists(target)) throw new ConflictException($"{target} is a directory.");
        if (File.Exists(target) && !force) throw new ConflictException($"{target} already exists; pass --force to replace it.");
        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var summary = await GenerateAsync(temp, anchor, clock, progress, ct);
            Finish(temp);
            // Without --force a file that appeared meanwhile is still not overwritten.
            File.Move(temp, target, overwrite: force);
            return (summary, target, new FileInfo(target).Length);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var leftover in new[] { temp, temp + "-wal", temp + "-shm", temp + "-journal" }) File.Delete(leftover);
        }
    }

    private static async Task<SampleSummary> GenerateAsync(string file, DateTime anchor, TimeProvider? clock, Action<string>? progress,
        CancellationToken ct)
    {
        using var host = OfflineHost.Build(file, clock: clock);
        await using var scope = await host.MigratedScopeAsync(Actor.System("sample"), ct);
        var billing = ActivatorUtilities.CreateInstance<SampleBilling>(scope.ServiceProvider);
        var alerts = ActivatorUtilities.CreateInstance<SampleAlerts>(scope.ServiceProvider);
        return await ActivatorUtilities.CreateInstance<SampleDataGenerator>(scope.ServiceProvider, billing, alerts).GenerateAsync(anchor, ct, progress);
    }

    /// <summary>
    /// Leaves one self-contained, compact file: out of WAL (so no -wal/-shm beside it, and it opens
    /// read-only), then vacuumed. Switching first spares VACUUM from writing everything to the WAL.
    /// </summary>
    private static void Finish(string file)
    {
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=DELETE;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "delete", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"The sample database stayed in journal mode '{mode}'.");
        command.CommandText = "VACUUM;";
        command.ExecuteNonQuery();
    }
}
