using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MeteringConsole.Data;

/// <summary>
/// <see cref="AppDbContext"/> on PostgreSQL. Its own type only so that EF Core keeps PostgreSQL's
/// migrations (Data/PostgreSqlMigrations) apart from SQLite's (Data/Migrations); the model is the same
/// but for case-insensitive names, which SQLite spells NOCASE and PostgreSQL citext, and the foreign
/// keys of usage_readings, which PostgreSQL leaves to the rollups' (see below).
/// </summary>
public sealed class PostgreSqlAppDbContext : AppDbContext
{
    public const string CaseInsensitiveText = "citext";

    public PostgreSqlAppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension(CaseInsensitiveText);
        foreach (var property in builder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.GetCollation() != SqliteCollation.NoCase) continue;
            property.SetCollation(null);
            property.SetColumnType(CaseInsensitiveText);
        }
        WithoutReadingForeignKeys(builder);
    }

    /// <summary>
    /// On PostgreSQL a foreign key is a trigger per inserted row, and on usage_readings those two
    /// triggers took a third of a batch's insert. They guard nothing the rollups do not: ingest writes
    /// every reading with the rollup of its (asset, unit type, day) in one transaction, and the
    /// rollups' foreign keys (kept) refuse the deletion of an asset or unit type that has any. The
    /// unit type index stays for the "used by usage readings" check. SQLite keeps both keys: there
    /// they cost little.
    /// </summary>
    private static void WithoutReadingForeignKeys(ModelBuilder builder)
    {
        var readings = builder.Entity<Domain.UsageReading>();
        readings.HasIndex(x => x.UnitTypeId);
        foreach (var key in readings.Metadata.GetForeignKeys().ToList()) readings.Metadata.RemoveForeignKey(key);
    }
}

public static class SqliteCollation
{
    public const string NoCase = "NOCASE";
}
