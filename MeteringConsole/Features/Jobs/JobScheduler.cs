using System.Collections.Specialized;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Quartz;
using Quartz.Impl;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// Runs the Quartz scheduler for the life of the app (Quartz.Extensions.Hosting is not on the
/// feed): registers every <see cref="JobDefinition"/> as a durable job, schedules each one's next
/// run, and lets services start a job on demand. Each job is [DisallowConcurrentExecution], so two
/// runs of the same job never overlap; on-demand triggers wait their turn.
/// </summary>
public sealed class JobScheduler : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyDictionary<string, JobDefinition> _jobs;
    private readonly JobSettings _settings;
    private readonly ILogger<JobScheduler> _log;
    private IScheduler? _scheduler;

    public JobScheduler(IServiceProvider services, IEnumerable<JobDefinition> jobs, JobSettings settings, ILogger<JobScheduler> log, TimeProvider clock)
    {
        _clock = clock;
        _services = services;
        _jobs = jobs.ToDictionary(j => j.Name);
        _settings = settings;
        _log = log;
    }

    public IReadOnlyCollection<JobDefinition> Jobs => _jobs.Values.ToList();

    /// <summary>False in the command line, service tests and the sample generator, where no host is started.</summary>
    public bool IsRunning => _scheduler is { IsStarted: true, IsShutdown: false };

    public async Task StartAsync(CancellationToken ct)
    {
        if (!_settings.Enabled)
        {
            _log.LogInformation("Jobs:Enabled is false: no job runs by itself or on demand");
            return;
        }
        await MarkInterruptedAsync(ct);
        // Each app (and each test host in one process) needs its own scheduler name: Quartz keeps a
        // process-wide repository of schedulers by name.
        var factory = new StdSchedulerFactory(new NameValueCollection
        {
            ["quartz.scheduler.instanceName"] = "metering-" + Guid.NewGuid().ToString("N"),
            ["quartz.threadPool.maxConcurrency"] = "4",
        });
        var scheduler = await factory.GetScheduler(ct);
        scheduler.JobFactory = new ScopedJobFactory(_services);
        foreach (var job in _jobs.Values)
            await scheduler.AddJob(JobBuilder.Create(job.JobType).WithIdentity(job.Name).StoreDurably().Build(), replace: true, ct);
        _scheduler = scheduler;
        foreach (var job in _jobs.Values) await ScheduleNextAsync(job.Name);
        await scheduler.Start(ct);
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (_scheduler is null) return;
        // A billing run in flight finishes (or rolls back) rather than being cut off mid-transaction.
        await _scheduler.Shutdown(waitForJobsToComplete: true, ct);
    }

    /// <summary>Starts a job now (or as soon as its previous run ends) with the given data.</summary>
    public async Task RunNowAsync(string jobName, IDictionary<string, object> data)
    {
        var scheduler = _scheduler ?? throw new InvalidOperationException("The job scheduler is not running (Jobs:Enabled is false).");
        var trigger = TriggerBuilder.Create().ForJob(jobName).UsingJobData(new JobDataMap(data))
            .StartNow().WithSimpleSchedule(s => s.WithMisfireHandlingInstructionFireNow()).Build();
        await scheduler.ScheduleJob(trigger);
    }

    /// <summary>Replaces the job's scheduled trigger with one at its next due time (if any).</summary>
    public async Task ScheduleNextAsync(string jobName)
    {
        if (_scheduler is null || _scheduler.IsShutdown) return;
        var job = _jobs[jobName];
        var key = new TriggerKey(jobName + "-schedule");
        await _scheduler.UnscheduleJob(key);
        DateTime? next;
        try
        {
            await using var scope = _services.CreateAsyncScope();
            next = await job.NextFireAsync(scope.ServiceProvider, _clock.GetUtcNow().UtcDateTime);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Could not work out when {Job} runs next; it runs only on demand until the app restarts", jobName);
            return;
        }
        if (next is not DateTime at) return;
        var trigger = TriggerBuilder.Create().WithIdentity(key).ForJob(jobName)
            .UsingJobData(JobData.Scheduled, true).UsingJobData(JobData.StartedBy, JobData.ScheduleActor)
            // Quartz keeps real time; the app's clock may be pinned (demo, tests): wait the same span.
            .StartAt(TimeProvider.System.GetUtcNow() + (DateTime.SpecifyKind(at, DateTimeKind.Utc) - _clock.GetUtcNow().UtcDateTime))
            .WithSimpleSchedule(s => s.WithMisfireHandlingInstructionFireNow()).Build();
        await _scheduler.ScheduleJob(trigger);
    }

    /// <summary>The next time the job runs by itself, or null.</summary>
    public async Task<DateTime?> NextScheduledAsync(string jobName)
    {
        if (_scheduler is null || _scheduler.IsShutdown) return null;
        var trigger = await _scheduler.GetTrigger(new TriggerKey(jobName + "-schedule"));
        return trigger?.GetNextFireTimeUtc()?.UtcDateTime;
    }

    /// <summary>
    /// Runs left queued or running by a previous process never finish: say so, rather than show
    /// them running for ever (and let the billing guard, which refuses to overlap a running run, work).
    /// </summary>
    private async Task MarkInterruptedAsync(CancellationToken ct)
    {
        await using var scope = _services.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        const string message = "Interrupted: the console stopped before this run finished. Start it again.";
        var now = _clock.GetUtcNow().UtcDateTime;
        foreach (var run in await db.BillingRuns.Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running).ToListAsync(ct))
            (run.Status, run.Error, run.FinishedAt) = (RunStatus.Failed, message, now);
        foreach (var run in await db.JobRuns.Where(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running).ToListAsync(ct))
            (run.Status, run.Error, run.FinishedAt) = (RunStatus.Failed, message, now);
        await db.SaveChangesAsync(ct);
    }
}
