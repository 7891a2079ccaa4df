using System.Data;
using System.Data.Common;

namespace MeteringConsole.Data;

/// <summary>
/// Parameters for hand-written SQL that runs on both providers. Name parameters <c>@name</c> in
/// the SQL: SQLite and Npgsql both bind that form.
/// </summary>
public static class DbCommandExtensions
{
    /// <summary>Binds a value (null as SQL NULL) and returns the command, for chaining.</summary>
    public static DbCommand Bind(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Adds a typed parameter to set on each execution of a prepared statement.</summary>
    public static DbParameter AddParameter(this DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }
}
