using Microsoft.Data.Sqlite;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>A SQLite file in its own temporary folder, removed on dispose.</summary>
public sealed class TempDatabase : IDisposable
{
    public string Directory { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mc-tests", Guid.NewGuid().ToString("N"));
    public string FilePath => System.IO.Path.Combine(Directory, "app.db");
    public string ConnectionString => $"Data Source={FilePath}";

    public TempDatabase() => System.IO.Directory.CreateDirectory(Directory);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a process still holds it; the OS temp cleaner will */ }
    }
}
