using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MeteringConsole.Data;

/// <summary>
/// Puts every EF Core write in the <see cref="DatabaseWriteGate"/> queue, so that no service
/// write (finalize, a billing run's record, an edit on a page, a sign-in's lockout counter) is
/// starved by sustained ingest. A turn is taken when a transaction begins (SQLite's BEGIN
/// IMMEDIATE takes the write lock there) or when a write statement runs outside one, and given
/// back when the transaction ends, the statement finishes, or at the latest when the connection
/// closes. Turns are counted per connection, so the transaction the audit interceptor opens
/// inside SaveChanges does not queue a second time.
/// On PostgreSQL EF Core writes do not queue: MVCC has no single writer (readers never wait, writers
/// wait only for the rows they share, and the server grants conflicting locks in arrival order), so
/// nothing polls and nothing starves; queueing them would only put every edit behind whole ingest
/// batches and serialize writes that can run side by side. The hand-written writers still queue
/// there (ingest keeps this process's batches in order); finalize meets ingest in
/// <see cref="FinalizeLock"/>, across processes too.
/// </summary>
public sealed class WriteGateInterceptor : IDbTransactionInterceptor, IDbCommandInterceptor, IDbConnectionInterceptor
{
    private readonly DatabaseWriteGate? _gate;
    private readonly ConditionalWeakTable<DbConnection, Holder> _holders = new();

    public WriteGateInterceptor(DatabaseWriteGate gate, DatabaseOptions database) => _gate = database.IsPostgreSql ? null : gate;

    private sealed class Holder
    {
        public int Depth;
        public IDisposable? Turn;
    }

    private async ValueTask AcquireAsync(DbConnection connection, CancellationToken ct)
    {
        if (_gate is null) return;
        var holder = _holders.GetOrCreateValue(connection);
        if (holder.Depth++ > 0) return;
        try { holder.Turn = await _gate.EnterAsync(ct); }
        catch { holder.Depth = 0; throw; }
    }

    private void Acquire(DbConnection connection)
    {
        if (_gate is null) return;
        var holder = _holders.GetOrCreateValue(connection);
        if (holder.Depth++ > 0) return;
        try { holder.Turn = _gate.Enter(); }
        catch { holder.Depth = 0; throw; }
    }

    private void Release(DbConnection? connection, bool all = false)
    {
        if (connection is null || !_holders.TryGetValue(connection, out var holder) || holder.Depth == 0) return;
        holder.Depth = all ? 0 : holder.Depth - 1;
        if (holder.Depth > 0) return;
        holder.Turn?.Dispose();
        holder.Turn = null;
    }

    /// <summary>Whether a statement outside a transaction may write: anything but a query.</summary>
    private static bool IsWrite(DbCommand command)
    {
        if (command.Transaction is not null) return false;
        var sql = command.CommandText.AsSpan().TrimStart();
        while (sql.StartsWith("--"))
        {
            var end = sql.IndexOf('\n');
            sql = end < 0 ? ReadOnlySpan<char>.Empty : sql[(end + 1)..].TrimStart();
        }
        return !(sql.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || sql.StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase)
                 || sql.StartsWith("EXPLAIN", StringComparison.OrdinalIgnoreCase) || sql.IsEmpty);
    }

    // Transactions: the turn spans BEGIN … COMMIT/ROLLBACK.

    /// <summary>The context's connection: a completed SqliteTransaction no longer knows its own.</summary>
    private static DbConnection? ConnectionOf(TransactionEventData eventData) => eventData.Context?.Database.GetDbConnection();

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        Acquire(connection);
        return result;
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await AcquireAsync(connection, cancellationToken);
        return result;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(ConnectionOf(eventData));

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionCommitted(transaction, eventData);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => TransactionCommitted(transaction, eventData);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        => TransactionCommittedAsync(transaction, eventData, cancellationToken);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        // A failed BEGIN leaves no transaction to end; a failed COMMIT is followed by a rollback or a close.
        if (eventData.Action == "BeginTransaction") Release(ConnectionOf(eventData));
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // Single write statements outside a transaction (ExecuteUpdate, ExecuteSql, a one-row SaveChanges).

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsWrite(command)) Acquire(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (IsWrite(command)) await AcquireAsync(command.Connection!, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (IsWrite(command)) Release(command.Connection);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(NonQueryExecuted(command, eventData, result));

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        if (IsWrite(command)) Acquire(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default)
    {
        if (IsWrite(command)) await AcquireAsync(command.Connection!, cancellationToken);
        return result;
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        if (IsWrite(command)) Release(command.Connection);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(ScalarExecuted(command, eventData, result));

    // A write with RETURNING holds SQLite's lock until its reader is done: the turn lasts as long.
    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (IsWrite(command)) Acquire(command.Connection!);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (IsWrite(command)) await AcquireAsync(command.Connection!, cancellationToken);
        return result;
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        if (IsWrite(command)) Release(command.Connection);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (IsWrite(command)) Release(command.Connection);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        if (IsWrite(command)) Release(command.Connection);
    }

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandCanceled(command, eventData);
        return Task.CompletedTask;
    }

    // However a transaction or reader ended (disposed unfinished after an exception, say), a closed connection holds no lock.

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection, all: true);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        => ValueTask.FromResult(ConnectionClosing(connection, eventData, result));

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        => ConnectionClosing(connection, eventData, result);

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        => ValueTask.FromResult(ConnectionClosing(connection, eventData, result));
}
