using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Jobs;

/// <summary>Writes the job_runs history: one row per execution, queued → running → succeeded or failed.</summary>
public sealed class JobHistory
{
    /// <summary>Long enough for any message a person needs; stack traces go to the log.</summary>
    public const int MaxErrorLength = 2000;

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly TimeProvider _clock;

    public JobHistory(IDbContextFactory<AppDbContext> dbs, TimeProvider clock)
    {
        _dbs = dbs;
        _clock = clock;
    }

    public async Task<long> QueueAsync(string jobName, string startedBy)
    {
        await using var db = await _dbs.CreateDbContextAsync();
        var run = new JobRun { JobName = jobName, StartedBy = startedBy, Status = RunStatus.Queued, StartedAt = _clock.GetUtcNow().UtcDateTime };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    /// <summary>Marks a queued row running, or adds a running row for a scheduled execution.</summary>
    public async Task<long> StartAsync(string jobName, string startedBy, long? queuedId)
    {
        await using var db = await _dbs.CreateDbContextAsync();
        var run = queuedId is long id ? await db.JobRuns.FindAsync(id) : null;
        if (run is null)
        {
            run = new JobRun { JobName = jobName, StartedBy = startedBy };
            db.JobRuns.Add(run);
        }
        run.Status = RunStatus.Running;
        run.StartedAt = _clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync();
        return run.Id;
    }

    public async Task FinishAsync(long id, string? summary, string? error)
    {
        await using var db = await _dbs.CreateDbContextAsync();
        var run = await db.JobRuns.FindAsync(id);
        if (run is null) return;
        run.Status = error is null ? RunStatus.Succeeded : RunStatus.Failed;
        run.FinishedAt = _clock.GetUtcNow().UtcDateTime;
        run.Summary = summary;
        run.Error = Truncate(error);
        await db.SaveChangesAsync();
    }

    public static string? Truncate(string? error) => error is null || error.Length <= MaxErrorLength ? error : error[..MaxErrorLength] + "…";
}
