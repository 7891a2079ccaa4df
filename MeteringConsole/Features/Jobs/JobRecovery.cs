using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Hangfire.Storage.SQLite;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// Squares Hangfire's state with the domain's run tables (the durable record) at start-up, before
/// Hangfire's server starts. A run the previous process was executing when it died is marked
/// interrupted and its Hangfire job removed, so it neither shows "running" for ever nor blocks
/// the next run; on-demand runs still queued are re-enqueued unless their Hangfire job survived
/// (Hangfire.InMemory loses them all). Consoles sharing one storage (PostgreSQL) leave each other's
/// work alone: only what dead processes left is cleaned up (<see cref="JobServers"/>).
/// </summary>
public sealed class JobRecovery
{
    public const string InterruptedMessage = "Interrupted: the console stopped before this run finished. Start it again.";

    private readonly IServiceProvider _services;
    private readonly JobScheduler _scheduler;
    private readonly TimeProvider _clock;
    private readonly ILogger<JobRecovery> _log;

    public JobRecovery(IServiceProvider services, JobScheduler scheduler, TimeProvider clock, ILogger<JobRecovery> log)
    {
        _services = services;
        _scheduler = scheduler;
        _clock = clock;
        _log = log;
    }

    /// <summary>Before the server starts: what the previous process left unfinished.</summary>
    public async Task CleanUpAsync(JobStorage storage, CancellationToken ct)
    {
        var peers = JobServers.LivePeers(storage);
        var (cutOff, live) = await RemoveLeftoversAsync(storage, peers, ct);
        await MarkInterruptedAsync(cutOff, live, ct);
    }

    /// <summary>
    /// Deletes what dead processes left: jobs they were processing (a live console sharing the storage,
    /// on PostgreSQL, keeps its own) and, when no other console is alive, the planned schedule
    /// (re-planned at start) and the [DisableConcurrentExecution] locks their workers held. With another
    /// console alive its plan and locks stay; a dead process's lock then expires by itself
    /// (Hangfire.PostgreSql's DistributedLockTimeout). Returns the requests cut off, and the jobs other consoles are running.
    /// </summary>
    private async Task<(List<JobRequest> CutOff, HashSet<string> LiveJobs)> RemoveLeftoversAsync(JobStorage storage,
        IReadOnlySet<string> peers, CancellationToken ct)
    {
        var monitoring = storage.GetMonitoringApi();
        var client = _services.GetRequiredService<IBackgroundJobClient>();
        var cutOff = new List<JobRequest>();
        var live = new HashSet<string>();
        foreach (var (id, job) in monitoring.ProcessingJobs(0, ListLimit))
        {
            if (peers.Contains(job.ServerId))
            {
                if (JobNameOf(job.Job) is { } name) live.Add(name);
                continue;
            }
            if (RequestOf(job.Job) is { } request) cutOff.Add(request);
            client.Delete(id);
        }
        if (peers.Count == 0)
        {
            foreach (var (id, job) in monitoring.ScheduledJobs(0, ListLimit))
                if (RequestOf(job.Job) is { Scheduled: true }) client.Delete(id);
            await ReleaseLocksAsync(storage, ct);
        }
        if (cutOff.Count > 0) _log.LogWarning("{Count} job runs were cut off when a console last stopped; they are marked interrupted", cutOff.Count);
        return (cutOff, live);
    }

    /// <summary>Only when no other console is alive: nobody else can hold a lock.</summary>
    private async Task ReleaseLocksAsync(JobStorage storage, CancellationToken ct)
    {
        if (storage is SQLiteStorage sqlite)
        {
            using var db = sqlite.CreateAndOpenConnection();
            db.DistributedLockRepository.Delete(_ => true);
        }
        else if (storage is PostgreSqlStorage)
        {
            await using var connection = await _services.GetRequiredService<DatabaseOptions>().OpenAsync(ct);
            await using var delete = connection.Command($"DELETE FROM {JobsRegistration.PostgreSqlSchema}.lock");
            await delete.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Rows left running (and queued rows whose job was cut off) never finish: say so. A job another
    /// live console is running keeps its rows: each job runs one at a time, so its running rows are that run's.
    /// </summary>
    private async Task MarkInterruptedAsync(List<JobRequest> cutOff, HashSet<string> running, CancellationToken ct)
    {
        await using var db = await _services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        var billing = cutOff.Where(r => r.BillingRunId is not null).Select(r => r.BillingRunId!.Value).ToList();
        var jobs = cutOff.Where(r => r.JobRunId is not null).Select(r => r.JobRunId!.Value).ToList();
        var billingRunning = running.Contains(JobNames.Billing);
        foreach (var run in await db.BillingRuns.Where(r => (r.Status == RunStatus.Running && !billingRunning) || (r.Status == RunStatus.Queued && billing.Contains(r.Id))).ToListAsync(ct))
            (run.Status, run.Error, run.FinishedAt) = (RunStatus.Failed, InterruptedMessage, now);
        foreach (var run in await db.JobRuns.Where(r => (r.Status == RunStatus.Running && !running.Contains(r.JobName)) || (r.Status == RunStatus.Queued && jobs.Contains(r.Id))).ToListAsync(ct))
            (run.Status, run.Error, run.FinishedAt) = (RunStatus.Failed, InterruptedMessage, now);
        await db.SaveChangesAsync(ct);
    }

    private string? JobNameOf(Hangfire.Common.Job? job) => _scheduler.Jobs.FirstOrDefault(j => j.JobType == job?.Type)?.Name;

    /// <summary>Queued on-demand runs whose Hangfire job did not survive the restart are enqueued again.</summary>
    public async Task ReEnqueueLostAsync(JobStorage storage, CancellationToken ct)
    {
        var monitoring = storage.GetMonitoringApi();
        // A job another console is running (or has just fetched) survived too; delivered twice, it would run once anyway.
        var waiting = monitoring.EnqueuedJobs(EnqueuedStateQueue, 0, ListLimit).Select(j => RequestOf(j.Value.Job))
            .Concat(monitoring.ProcessingJobs(0, ListLimit).Select(j => RequestOf(j.Value.Job)))
            .Where(r => r is not null).ToList();
        await using var db = await _services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        foreach (var id in await db.BillingRuns.Where(r => r.Status == RunStatus.Queued).Select(r => r.Id).ToListAsync(ct))
            if (!waiting.Any(r => r!.BillingRunId == id))
                _scheduler.RunNow(JobNames.Billing, new JobRequest(await db.BillingRuns.Where(r => r.Id == id).Select(r => r.StartedBy).SingleAsync(ct), BillingRunId: id));
        foreach (var run in await db.JobRuns.Where(r => r.Status == RunStatus.Queued).ToListAsync(ct))
            if (!waiting.Any(r => r!.JobRunId == run.Id) && _scheduler.Jobs.Any(j => j.Name == run.JobName))
                _scheduler.RunNow(run.JobName, new JobRequest(run.StartedBy, JobRunId: run.Id));
    }

    private const string EnqueuedStateQueue = "default";

    /// <summary>More than a console ever has waiting; the monitoring API pages its lists.</summary>
    private const int ListLimit = 10_000;

    private static JobRequest? RequestOf(Hangfire.Common.Job? job) => job?.Args.FirstOrDefault() as JobRequest;
}
