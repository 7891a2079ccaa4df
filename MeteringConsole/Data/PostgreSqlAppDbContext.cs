using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace MeteringConsole.Data;

/// <summary>
/// <see cref="AppDbContext"/> on PostgreSQL. Its own type only so that EF Core keeps PostgreSQL's
/// migrations (Data/PostgreSqlMigrations) apart from SQLite's (Data/Migrations); the model is the same
/// but for case-insensitive names, which SQLite spells NOCASE and PostgreSQL citext.
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
    }
}

public static class SqliteCollation
{
    public const string NoCase = "NOCASE";
}
