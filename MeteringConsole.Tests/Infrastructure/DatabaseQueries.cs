using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>
/// Plain SQL against a <see cref="TempDatabase"/> of either provider, for tests that look at rows a
/// separate process wrote. Write SQL both accept: double-quoted mixed-case names ("AspNetUsers"),
/// TRUE/FALSE, LIMIT.
/// </summary>
public static class DatabaseQueries
{
    public static DbConnection Open(this TempDatabase database)
    {
        DbConnection connection = database.IsPostgreSql ? new NpgsqlConnection(database.ConnectionString) : new SqliteConnection(database.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The first column of the first row, converted to <typeparamref name="T"/> (default when there is no row or it is NULL).</summary>
    public static T Scalar<T>(this TempDatabase database, string sql)
    {
        using var connection = database.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        var value = command.ExecuteScalar();
        return value is null or DBNull ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }
}
