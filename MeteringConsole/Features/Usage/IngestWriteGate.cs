namespace MeteringConsole.Features.Usage;

/// <summary>
/// Lets one ingest batch of this process write at a time, first come first served. Without it,
/// concurrent senders poll SQLite's lock and an unlucky one can time out behind the others.
/// </summary>
public sealed class IngestWriteGate
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await _semaphore.WaitAsync(ct);
        return new Turn(_semaphore);
    }

    private sealed class Turn : IDisposable
    {
        private SemaphoreSlim? _semaphore;

        public Turn(SemaphoreSlim semaphore) => _semaphore = semaphore;

        public void Dispose() => Interlocked.Exchange(ref _semaphore, null)?.Release();
    }
}
