using MeteringConsole.Features.Sample;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Tests.Features.Sample;

/// <summary>Two samples generated once for the whole class: generation is the slow part.</summary>
public sealed class GeneratedSamples : IAsyncLifetime
{
    public const string Placeholder = "not a database yet";

    private readonly TempDatabase _folder = new();

    public string First => Path.Combine(_folder.Directory, "first.db");

    /// <summary>Written over a placeholder file with force, which is what force is for.</summary>
    public string Second => Path.Combine(_folder.Directory, "second.db");

    public string Folder => _folder.Directory;

    public async Task InitializeAsync()
    {
        await SampleDatabase.WriteAsync(First, SampleDatabase.DefaultAnchor, force: false);
        await File.WriteAllTextAsync(Second, Placeholder);
        await SampleDatabase.WriteAsync(Second, SampleDatabase.DefaultAnchor, force: true);
    }

    public Task DisposeAsync()
    {
        _folder.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Opens a sample read-only, so no test can change what it checks.</summary>
    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Each row as its values joined with '|', for comparing query results.</summary>
    public static List<string> Rows(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    public static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
