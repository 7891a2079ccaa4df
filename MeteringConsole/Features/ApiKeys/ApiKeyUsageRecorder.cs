using System.Collections.Concurrent;
using MeteringConsole.Data;

namespace MeteringConsole.Features.ApiKeys;

/// <summary>
/// Remembers when each API key was last used and writes it in the background, every
/// <see cref="FlushInterval"/> and at shutdown. Writing it on the request path made a plain GET
/// queue behind the ingest writer for seconds, and fail past SQLite's 10 s busy timeout; a
/// request now only touches memory. Usage bookkeeping, not a configuration change: not audited.
/// </summary>
public sealed class ApiKeyUsageRecorder : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(15);

    private readonly ConcurrentDictionary<int, DateTime> _pending = new();
    private readonly DatabaseOptions _database;
    private readonly DatabaseWriteGate _gate;
    private readonly TimeProvider _clock;
    private readonly ILogger<ApiKeyUsageRecorder> _log;

    public ApiKeyUsageRecorder(DatabaseOptions database, DatabaseWriteGate gate, TimeProvider clock, ILogger<ApiKeyUsageRecorder> log)
    {
        _database = database;
        _gate = gate;
        _clock = clock;
        _log = log;
    }

    public void Record(int keyId, DateTime at) => _pending.AddOrUpdate(keyId, at, (_, seen) => at > seen ? at : seen);

    /// <summary>A use not written yet, so that lists show it before the next flush.</summary>
    public DateTime? Unwritten(int keyId) => _pending.TryGetValue(keyId, out var at) ? at : null;

    /// <summary>Writes the uses recorded so far in one short transaction, in its turn with the other writers.</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var uses = _pending.ToArray();
        if (uses.Length == 0) return;
        await using var connection = await _database.OpenAsync(ct);
        using (await _gate.EnterAsync(ct))
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            // Never backwards: a use recorded by another process may be later.
            await using var cmd = connection.Command("UPDATE api_keys SET last_used_at = @at WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @at)", tx);
            var at = cmd.AddParameter("@at", System.Data.DbType.DateTime);
            var id = cmd.AddParameter("@id", System.Data.DbType.Int32);
            foreach (var use in uses)
            {
                (at.Value, id.Value) = (SqlValues.Instant(use.Value), use.Key);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        // A use recorded meanwhile stays pending for the next flush.
        foreach (var use in uses) _pending.TryRemove(use);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(FlushInterval, _clock, stoppingToken);
                await FlushAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Kept in memory and tried again next time.
                _log.LogWarning(e, "Could not record when API keys were last used");
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try { await FlushAsync(cancellationToken); }
        catch (Exception e) { _log.LogWarning(e, "Could not record when API keys were last used"); }
    }
}
