using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace MeteringConsole.Data;

/// <summary>
/// Values written and read by hand-made SQL exactly as EF Core writes them, on either provider,
/// so both can compare and read each other's rows.
/// </summary>
public static class SqlValues
{
    /// <summary>
    /// A UTC instant as a parameter value. SQLite binds a DateTime in EF Core's own text form
    /// (yyyy-MM-dd HH:mm:ss.FFFFFFF, which sorts and compares as text); PostgreSQL's timestamptz
    /// takes it only with Kind=Utc.
    /// </summary>
    public static DateTime Instant(DateTime utc) => utc.Kind == DateTimeKind.Local ? utc.ToUniversalTime() : DateTime.SpecifyKind(utc, DateTimeKind.Utc);

    /// <summary>EF Core's SQLite text form of a DateTime, for SQL written against a SQLite file as text (the sample's tests).</summary>
    public static string InstantText(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An instant column as UTC, from SQLite's text or PostgreSQL's timestamptz.</summary>
    public static DateTime ReadInstant(DbDataReader reader, int ordinal) => DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc);

    /// <summary>
    /// A boolean literal for hand-written SQL: TRUE/FALSE on PostgreSQL, 1/0 on SQLite, whose planner
    /// (3.53) chose a plan 200 times slower for billing's rollup join with <c>enabled = TRUE</c> than with <c>enabled = 1</c>.
    /// </summary>
    public static string Bool(DbConnection connection, bool value)
        => connection is NpgsqlConnection ? (value ? "TRUE" : "FALSE") : (value ? "1" : "0");

    /// <summary>A decimal as stored: whole millionths.</summary>
    public static long Micros(decimal value) => DecimalMicrosConverter.ToMicros(value);

    public static decimal FromMicros(long micros) => micros / DecimalMicrosConverter.Scale;
}

/// <summary>What a failed statement means, whichever provider raised it.</summary>
public static class DbErrors
{
    /// <summary>A unique index, foreign key or check refused the change (SQLite's SQLITE_CONSTRAINT, PostgreSQL's class 23).</summary>
    public static bool IsConstraintViolation(Exception e) => (e is DbUpdateException ? e.InnerException : e) switch
    {
        Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19 } => true,
        PostgresException p => p.SqlState.StartsWith("23", StringComparison.Ordinal),
        _ => false,
    };

    /// <summary>The database itself failed (locked, unreachable, a statement refused), as opposed to a bug in the caller.</summary>
    public static bool IsDatabaseError(Exception e) => e is DbException or DatabaseBusyException;
}
