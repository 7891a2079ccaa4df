using System.Data;
using System.Data.Common;
using System.Text;

namespace MeteringConsole.Data;

/// <summary>
/// Inserts many rows with multi-row <c>INSERT … VALUES (…), (…)</c> statements, a chunk of rows per
/// statement: one round trip per chunk instead of one per row (which is what costs on PostgreSQL,
/// where every statement crosses the network), on both providers with the same SQL.
/// </summary>
public static class SqlRows
{
    // PostgreSQL takes 65,535 parameters a statement; a few thousand already make the round trips
    // negligible. SQLite has no round trips to save, and binding by name costs it time quadratic in
    // the parameters of one statement, so its statements stay small.
    private const int MaxParametersPostgreSql = 8_000;
    private const int MaxParametersSqlite = 400;

    /// <param name="columns">Column names as written in SQL (quote reserved words).</param>
    /// <summary>A NULL of a given type, for nullable columns: PostgreSQL cannot infer the type of an untyped NULL in a multi-row VALUES list.</summary>
    public sealed record TypedNull(DbType Type);

    /// <param name="rows">One value per column, in order: a value, or a <see cref="TypedNull"/>.</param>
    public static async Task<int> InsertAsync(DbConnection connection, DbTransaction? transaction, string table, IReadOnlyList<string> columns,
        IEnumerable<object?[]> rows, CancellationToken ct = default)
    {
        var perStatement = Math.Max(1, (connection is Npgsql.NpgsqlConnection ? MaxParametersPostgreSql : MaxParametersSqlite) / columns.Count);
        var inserted = 0;
        foreach (var chunk in rows.Chunk(perStatement))
        {
            await using var cmd = connection.Command("", transaction);
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            for (var r = 0; r < chunk.Length; r++)
            {
                if (chunk[r].Length != columns.Count) throw new ArgumentException($"Row {r} has {chunk[r].Length} values for {columns.Count} columns.");
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = $"@p{r}_{c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    if (chunk[r][c] is TypedNull typed) cmd.AddParameter(name, typed.Type).Value = DBNull.Value;
                    else cmd.Bind(name, chunk[r][c]);
                }
                sql.Append(')');
            }
            cmd.CommandText = sql.ToString();
            inserted += await cmd.ExecuteNonQueryAsync(ct);
        }
        return inserted;
    }
}
