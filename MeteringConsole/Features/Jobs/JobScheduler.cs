using System.Collections.Concurrent;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// Hands jobs to Hangfire: on-demand runs are enqueued at once, and each job's next scheduled run
/// is a delayed Hangfire job. Due times come from the app's clock (pinned in demos and tests)
/// and are turned into a delay, because Hangfire schedules on real time.
/// </summary>
public sealed class JobScheduler
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyDictionary<string, JobDefinition> _jobs;
    private readonly ILogger<JobScheduler> _log;
    private readonly ConcurrentDictionary<string, DateTime> _planned = new();
    private volatile bool _running;

    public JobScheduler(IServiceProvider services, IEnumerable<JobDefinition> jobs, ILogger<JobScheduler> log, TimeProvider clock)
    {
        _services = services;
        _clock = clock;
        _jobs = jobs.ToDictionary(j => j.Name);
        _log = log;
    }

    public IReadOnlyCollection<JobDefinition> Jobs => _jobs.Values.ToList();

    /// <summary>
    /// True while the started host runs Hangfire's server. False with <c>Jobs:Enabled=false</c>, and
    /// in the command line, service tests and the sample generator, where no host is started.
    /// </summary>
    public bool IsRunning => _running;

    internal void MarkRunning(bool running) => _running = running;

    /// <summary>Enqueues a run now; it starts as soon as a worker is free and the previous run of the job has ended.</summary>
    public string RunNow(string jobName, JobRequest request)
    {
        if (!_running) throw new InvalidOperationException("The job scheduler is not running (Jobs:Enabled is false).");
        return Client.Create(JobFor(jobName, request), new EnqueuedState());
    }

    /// <summary>
    /// Plans the job's next scheduled run at its next due time (if any). Called at start-up (after
    /// the previous process's plans were removed) and by each scheduled run as it finishes.
    /// </summary>
    public async Task ScheduleNextAsync(string jobName)
    {
        _planned.TryRemove(jobName, out _);
        if (!_running) return;
        DateTime? next;
        try
        {
            await using var scope = _services.CreateAsyncScope();
            next = await _jobs[jobName].NextFireAsync(scope.ServiceProvider, _clock.GetUtcNow().UtcDateTime);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Could not work out when {Job} runs next; it runs only on demand until the app restarts", jobName);
            return;
        }
        if (next is not DateTime due) return;
        due = DateTime.SpecifyKind(due, DateTimeKind.Utc);
        var delay = due - _clock.GetUtcNow().UtcDateTime;
        Client.Create(JobFor(jobName, JobRequest.Schedule()), new ScheduledState(delay < TimeSpan.Zero ? TimeSpan.Zero : delay));
        _planned[jobName] = due;
    }

    /// <summary>The next time (app clock) the job runs by itself, or null.</summary>
    public DateTime? NextScheduled(string jobName) => _running && _planned.TryGetValue(jobName, out var due) ? due : null;

    /// <summary>The Hangfire job that runs <paramref name="jobName"/>: the job class's <see cref="HistoryJob.ExecuteAsync"/>.</summary>
    public Job JobFor(string jobName, JobRequest request)
    {
        var type = _jobs.TryGetValue(jobName, out var job) ? job.JobType : throw new ArgumentException($"Unknown job '{jobName}'.", nameof(jobName));
        // Hangfire passes its own shutdown token for the CancellationToken argument.
        return new Job(type, typeof(HistoryJob).GetMethod(nameof(HistoryJob.ExecuteAsync))!, request, CancellationToken.None);
    }

    /// <summary>Resolved late: the command line and service tests build this class but never touch Hangfire.</summary>
    private IBackgroundJobClient Client => _services.GetRequiredService<IBackgroundJobClient>();
}
