using MeteringConsole.Features.Sample;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Data;

/// <summary>Creates or upgrades the database on start and for <c>db migrate</c>.</summary>
public sealed class DatabaseInitializer
{
    public const string SampleFileName = "app.db.sample";

    private readonly AppDbContext _db;
    private readonly DatabaseOptions _options;
    private readonly IHostEnvironment _env;
    private readonly ILogger<DatabaseInitializer> _log;
    private readonly TimeProvider _clock;
    private readonly bool _seedFromSample;

    public DatabaseInitializer(AppDbContext db, DatabaseOptions options, IHostEnvironment env, IConfiguration config,
        ILogger<DatabaseInitializer> log, TimeProvider clock)
    {
        _db = db;
        _options = options;
        _env = env;
        _log = log;
        _clock = clock;
        _seedFromSample = config.GetValue("Database:SeedFromSample", true);
    }

    /// <summary>
    /// On a fresh clone there is no database yet: start from the sample so the console has something
    /// to show, brought up to today when it is older. The sample itself is never opened for writing.
    /// </summary>
    public async Task SeedFromSampleIfMissingAsync(CancellationToken ct = default)
    {
        // PostgreSQL starts empty: the sample is a SQLite file.
        var target = _options.SqliteFile;
        if (!_seedFromSample || target is null || target == ":memory:" || File.Exists(target)) return;
        var sample = FindSample(_env.ContentRootPath);
        if (sample is null) return;
        await SeedFromAsync(sample, ct);
    }

    /// <summary>Creates the configured database, which must not exist yet, from this sample file as of the app's today.</summary>
    public async Task SeedFromAsync(string sample, CancellationToken ct = default)
    {
        var target = _options.SqliteFile ?? throw new InvalidOperationException("The sample seeds SQLite databases only.");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await SampleSeed.SeedAsync(sample, target, _clock, _log, ct);
    }

    public async Task MigrateAsync(CancellationToken ct = default)
    {
        var pending = (await _db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0) _log.LogInformation("Applying migrations: {Migrations}", string.Join(", ", pending));
        await _db.Database.MigrateAsync(ct);
    }

    private static string? FindSample(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, SampleFileName);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
