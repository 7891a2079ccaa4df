namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// A test of PostgreSQL's own locking, run in the suite's PostgreSQL pass (<c>MC_TEST_POSTGRES</c> set)
/// and skipped on SQLite, where the same behaviour has its own test.
/// </summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (!TestPostgres.Enabled) Skip = "Runs against PostgreSQL: set MC_TEST_POSTGRES.";
    }
}
