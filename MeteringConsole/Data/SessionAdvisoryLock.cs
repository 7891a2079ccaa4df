using Npgsql;

namespace MeteringConsole.Data;

/// <summary>
/// A PostgreSQL session advisory lock held on a connection of its own until disposed: lets console
/// processes sharing one database take turns at a start-up step. Each caller names its own key.
/// </summary>
public sealed class SessionAdvisoryLock : IAsyncDisposable, IDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly long _key;

    private SessionAdvisoryLock(NpgsqlConnection connection, long key)
    {
        _connection = connection;
        _key = key;
    }

    public static async Task<SessionAdvisoryLock> AcquireAsync(DatabaseOptions database, long key, CancellationToken ct = default)
    {
        var connection = await database.NpgsqlDataSource.OpenConnectionAsync(ct);
        try
        {
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", connection);
            await take.ExecuteNonQueryAsync(ct);
            return new SessionAdvisoryLock(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public static SessionAdvisoryLock Acquire(DatabaseOptions database, long key)
    {
        var connection = database.NpgsqlDataSource.OpenConnection();
        try
        {
            using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({key})", connection);
            take.ExecuteNonQuery();
            return new SessionAdvisoryLock(connection, key);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>The connection holding the lock, for work done under it.</summary>
    public NpgsqlConnection Connection => _connection;

    public async ValueTask DisposeAsync()
    {
        // Closing the session would release it too; unlocking first returns a clean connection to the pool.
        await using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({_key})", _connection)) await release.ExecuteNonQueryAsync();
        await _connection.DisposeAsync();
    }

    public void Dispose()
    {
        using (var release = new NpgsqlCommand($"SELECT pg_advisory_unlock({_key})", _connection)) release.ExecuteNonQuery();
        _connection.Dispose();
    }
}
