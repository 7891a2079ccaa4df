namespace MeteringConsole.Data;

/// <summary>
/// Lets one writer of this process at a time into the database, first come first served: ingest
/// batches, billing and projection runs, and every EF Core transaction or write statement
/// (<see cref="WriteGateInterceptor"/>). SQLite has a single writer and its busy handler polls:
/// without one queue, back-to-back ingest batches take the lock again between two polls of any
/// other writer, which then times out ("database is locked") however long it has waited.
/// Waiting here holds no database lock, so readers and the queue ahead are unaffected.
/// On PostgreSQL only the hand-written writers (ingest, billing and projection runs) queue here, to
/// keep this process's batches in order; EF Core writes do not (see <see cref="WriteGateInterceptor"/>),
/// and across processes the database's own locks order writers (<see cref="FinalizeLock"/>).
/// </summary>
public sealed class DatabaseWriteGate
{
    /// <summary>
    /// How long a writer waits for its turn before giving up with <see cref="DatabaseBusyException"/>.
    /// The queue ahead is a few batches of at most 10,000 events; a minute means something is stuck,
    /// and an answer saying so beats a request that never returns.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private int _waiting;

    /// <summary>Writers queued for a turn right now (not counting the one writing).</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public async Task<IDisposable> EnterAsync(CancellationToken ct = default)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            // Real time, not the app's clock: this bounds a wait for a lock, it is not a business rule.
            if (!await _semaphore.WaitAsync(MaxWait, ct)) throw new DatabaseBusyException();
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return new Turn(_semaphore);
    }

    public IDisposable Enter()
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            if (!_semaphore.Wait(MaxWait)) throw new DatabaseBusyException();
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        return new Turn(_semaphore);
    }

    private sealed class Turn : IDisposable
    {
        private SemaphoreSlim? _semaphore;

        public Turn(SemaphoreSlim semaphore) => _semaphore = semaphore;

        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}

/// <summary>A writer waited <see cref="DatabaseWriteGate.MaxWait"/> for its turn: answered 503, nothing was written.</summary>
public sealed class DatabaseBusyException : Exception
{
    public DatabaseBusyException()
        : base($"The database is busy with other writes; nothing was changed. Try again in a moment.") { }
}
