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

    /// <summary>Adds a running row for an execution nobody queued (the schedule's, the sample's).</summary>
    public async Task<long> StartAsync(string jobName, string startedBy)
    {
        await using var db = await _dbs.CreateDbContextAsync();
        var run = new JobRun { JobName = jobName, StartedBy = startedBy, Status = RunStatus.Running, StartedAt = _clock.GetUtcNow().UtcDateTime };
        db.JobRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    /// <summary>
    /// Moves a queued row to running, in one conditional statement: false when it is no longer
    /// queued (already run, or marked interrupted by a restart), so a job Hangfire delivers twice
    /// runs once.
    /// </summary>
    public async Task<bool> TryClaimAsync(long id)
    {
        await using var db = await _dbs.CreateDbContextAsync();
        var now = _clock.GetUtcNow().UtcDateTime;
        return await db.JobRuns.Where(r => r.Id == id && r.Status == RunStatus.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.StartedAt, now)) == 1;
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
