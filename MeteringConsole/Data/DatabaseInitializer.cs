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
    private readonly bool _seedFromSample;

    public DatabaseInitializer(AppDbContext db, DatabaseOptions options, IHostEnvironment env, IConfiguration config,
        ILogger<DatabaseInitializer> log)
    {
        _db = db;
        _options = options;
        _env = env;
        _log = log;
        _seedFromSample = config.GetValue("Database:SeedFromSample", true);
    }

    /// <summary>
    /// On a fresh clone there is no database yet: start from a copy of the sample so the console
    /// has something to show. The sample itself is never opened for writing.
    /// </summary>
    public void SeedFromSampleIfMissing()
    {
        var target = _options.DataSource;
        if (!_seedFromSample || target == ":memory:" || File.Exists(target)) return;
        var sample = FindSample(_env.ContentRootPath);
        if (sample is null) return;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(sample, target);
        _log.LogInformation("No database at {Target}: started from a copy of {Sample}", target, sample);
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
