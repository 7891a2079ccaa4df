using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Jobs;

/// <summary>One execution of a job, as the Jobs page and the API show it.</summary>
public sealed record JobRunView(long Id, string JobName, RunStatus Status, string StartedBy, DateTime StartedAt, DateTime? FinishedAt,
    string? Summary, string? Error)
{
    public double? DurationSeconds => FinishedAt is DateTime f && Status != RunStatus.Queued ? Math.Round((f - StartedAt).TotalSeconds, 3) : null;

    public static JobRunView From(JobRun r) => new(r.Id, r.JobName, r.Status, r.StartedBy, r.StartedAt, r.FinishedAt, r.Summary, r.Error);
}

/// <summary>A job with its schedule and how its recent runs went.</summary>
public sealed record JobOverview(string Name, string Title, string Description, string Schedule, DateTime? NextRun, JobRunView? LastRun,
    JobRunView? LastSuccess, double? AverageSeconds, int Failures);

/// <summary>Reads the job_runs history and the scheduler's plans for the Jobs page and the health check.</summary>
public sealed class JobService
{
    /// <summary>Jobs a person may start from the Jobs page (billing needs a period: it starts from Billing Readings).</summary>
    public static readonly IReadOnlySet<string> RunnableNow = new HashSet<string> { JobNames.Projections, JobNames.AutoProvisioning };

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly CurrentActor _actor;
    private readonly JobScheduler _scheduler;
    private readonly JobHistory _history;

    public JobService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, JobScheduler scheduler, JobHistory history)
    {
        _dbs = dbs;
        _actor = actor;
        _scheduler = scheduler;
        _history = history;
    }

    public bool SchedulerRunning => _scheduler.IsRunning;

    public async Task<IReadOnlyList<JobOverview>> OverviewAsync()
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var list = new List<JobOverview>();
        foreach (var job in _scheduler.Jobs.OrderBy(j => j.Title))
        {
            var recent = await db.JobRuns.AsNoTracking().Where(r => r.JobName == job.Name).OrderByDescending(r => r.Id).Take(20).ToListAsync();
            var views = recent.Select(JobRunView.From).ToList();
            var durations = views.Where(v => v.Status == RunStatus.Succeeded && v.DurationSeconds is not null).Select(v => v.DurationSeconds!.Value).ToList();
            list.Add(new JobOverview(job.Name, job.Title, job.Description, job.Schedule, _scheduler.NextScheduled(job.Name),
                views.FirstOrDefault(), views.FirstOrDefault(v => v.Status == RunStatus.Succeeded),
                durations.Count == 0 ? null : Math.Round(durations.Average(), 3), views.Count(v => v.Status == RunStatus.Failed)));
        }
        return list;
    }

    /// <summary>Newest first, optionally one job's.</summary>
    public async Task<Page<JobRunView>> HistoryAsync(string? jobName, PageRequest page)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var query = db.JobRuns.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(jobName)) query = query.Where(r => r.JobName == jobName);
        var total = await query.CountAsync();
        var rows = await query.OrderByDescending(r => r.Id).Page(page).ToListAsync();
        return new Page<JobRunView>(rows.Select(JobRunView.From).ToList(), total);
    }

    /// <summary>Starts projections or auto-provisioning now.</summary>
    public async Task<JobRunView> RunNowAsync(string jobName)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        if (!RunnableNow.Contains(jobName)) throw new ValidationException("job", $"'{jobName}' cannot be started from here.");
        if (!_scheduler.IsRunning) throw new ConflictException("The job scheduler is not running (Jobs:Enabled is false).");
        var id = await _history.QueueAsync(jobName, actor.Label);
        _scheduler.RunNow(jobName, new JobRequest(actor.Label, JobRunId: id));
        await using var db = await _dbs.CreateDbContextAsync();
        return JobRunView.From(await db.JobRuns.AsNoTracking().SingleAsync(r => r.Id == id));
    }

    /// <summary>When a job last finished successfully (the health check's "last billing", "last projection").</summary>
    public static async Task<DateTime?> LastSuccessAsync(AppDbContext db, string jobName, CancellationToken ct = default)
        => await db.JobRuns.Where(r => r.JobName == jobName && r.Status == RunStatus.Succeeded)
            .OrderByDescending(r => r.FinishedAt).Select(r => r.FinishedAt).FirstOrDefaultAsync(ct);
}
