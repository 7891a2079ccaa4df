using System.Globalization;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;

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
    /// Plans the job's next scheduled run at its next due time (if any). Called at start-up and by
    /// each scheduled run as it finishes. The plan is kept in Hangfire's storage, under Hangfire's
    /// lock of the job, so every console process sharing that storage (PostgreSQL) keeps one plan
    /// per job: a process that finds a run already planned leaves it (at start-up it re-plans a run
    /// still waiting, with its own settings), and a scheduled run that finishes while another is
    /// planned ends its chain there. So no scheduled run happens twice, however many consoles start.
    /// </summary>
    /// <param name="startUp">True at start-up: a planned run not yet due is planned afresh.</param>
    public async Task ScheduleNextAsync(string jobName, bool startUp = false)
    {
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
        using var connection = Storage.GetConnection();
        using var planLock = connection.AcquireDistributedLock(PlanLockPrefix + jobName, PlanLockTimeout);
        var planned = Planned(connection, jobName);
        var state = planned is null ? null : connection.GetStateData(planned.Value.JobId)?.Name;
        // Due now or running: it plans the next itself when it finishes.
        if (state == EnqueuedState.StateName || (state == ProcessingState.StateName && startUp)) return;
        if (state == ScheduledState.StateName)
        {
            // Another run is planned already: this chain ends there. At start-up it is planned afresh.
            if (!startUp) return;
            Client.Delete(planned!.Value.JobId);
        }
        if (next is not DateTime due)
        {
            using var clear = connection.CreateWriteTransaction();
            clear.RemoveHash(PlanKey(jobName));
            clear.Commit();
            return;
        }
        due = DateTime.SpecifyKind(due, DateTimeKind.Utc);
        var delay = due - _clock.GetUtcNow().UtcDateTime;
        var id = Client.Create(JobFor(jobName, JobRequest.Schedule()), new ScheduledState(delay < TimeSpan.Zero ? TimeSpan.Zero : delay));
        using var record = connection.CreateWriteTransaction();
        record.SetRangeInHash(PlanKey(jobName), [new(PlanJobField, id), new(PlanDueField, due.ToString("O", CultureInfo.InvariantCulture))]);
        record.Commit();
    }

    /// <summary>The next time (app clock) the job runs by itself, as planned by whichever console planned it; or null.</summary>
    public DateTime? NextScheduled(string jobName)
    {
        if (!_running) return null;
        using var connection = Storage.GetConnection();
        return Planned(connection, jobName) is { } planned
               && connection.GetStateData(planned.JobId)?.Name is { } state && (state == ScheduledState.StateName || state == EnqueuedState.StateName)
            ? planned.Due
            : null;
    }

    private const string PlanLockPrefix = "metering:schedule-plan:";
    private static readonly TimeSpan PlanLockTimeout = TimeSpan.FromSeconds(30);
    private const string PlanJobField = "job_id";
    private const string PlanDueField = "due";

    private static string PlanKey(string jobName) => "metering:schedule:" + jobName;

    private static (string JobId, DateTime Due)? Planned(IStorageConnection connection, string jobName)
        => connection.GetAllEntriesFromHash(PlanKey(jobName)) is { } plan
           && plan.TryGetValue(PlanJobField, out var id) && plan.TryGetValue(PlanDueField, out var dueText)
           && DateTime.TryParse(dueText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var due)
            ? (id, due)
            : null;

    /// <summary>The Hangfire job that runs <paramref name="jobName"/>: the job class's <see cref="HistoryJob.ExecuteAsync"/>.</summary>
    public Job JobFor(string jobName, JobRequest request)
    {
        var type = _jobs.TryGetValue(jobName, out var job) ? job.JobType : throw new ArgumentException($"Unknown job '{jobName}'.", nameof(jobName));
        // Hangfire passes its own shutdown token for the CancellationToken argument.
        return new Job(type, typeof(HistoryJob).GetMethod(nameof(HistoryJob.ExecuteAsync))!, request, CancellationToken.None);
    }

    /// <summary>Resolved late: the command line and service tests build this class but never touch Hangfire.</summary>
    private IBackgroundJobClient Client => _services.GetRequiredService<IBackgroundJobClient>();

    private JobStorage Storage => _services.GetRequiredService<JobStorage>();
}
