namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// The trait of a test of SQLite itself (its files, the sample, an upgrade of an old file, its
/// locking): <c>[Trait(Store.Key, Store.SqliteOnly)]</c>. The suite's PostgreSQL pass
/// (<c>.ci/run</c>) leaves these out with <c>Store!=SqliteOnly</c>.
/// </summary>
public static class Store
{
    public const string Key = "Store";
    public const string SqliteOnly = "SqliteOnly";
}
