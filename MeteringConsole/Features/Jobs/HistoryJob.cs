using MeteringConsole.Common;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// A Hangfire job whose every execution is recorded in job_runs (who started it, when, how long,
/// outcome, error) and whose scheduled executions plan the next one when they finish. Subclasses
/// carry <c>[DisableConcurrentExecution]</c>: Hangfire's lock is per job class, so two runs of the
/// same job never overlap while different jobs run side by side.
/// </summary>
public abstract class HistoryJob
{
    /// <summary>How long a run waits for the previous run of the same job before Hangfire retries it later.</summary>
    public const int LockTimeoutSeconds = 15 * 60;

    private readonly JobHistory _history;
    private readonly JobScheduler _scheduler;
    private readonly CurrentActor _actor;
    private readonly ILogger _log;

    protected HistoryJob(JobHistory history, JobScheduler scheduler, CurrentActor actor, ILogger log)
    {
        _history = history;
        _scheduler = scheduler;
        _actor = actor;
        _log = log;
    }

    protected abstract string JobName { get; }

    /// <summary>Does the work and returns a one-line summary for the history.</summary>
    protected abstract Task<string> RunAsync(JobRequest request, CancellationToken ct);

    /// <summary>
    /// False when a delivery has nothing left to do: its queued row already ran or was marked
    /// interrupted, or (for the schedule's run) it is no longer due.
    /// </summary>
    protected virtual Task<bool> IsWantedAsync(JobRequest request) => Task.FromResult(true);

    /// <summary>What Hangfire calls. <paramref name="ct"/> is cancelled when the console shuts down.</summary>
    public async Task ExecuteAsync(JobRequest request, CancellationToken ct)
    {
        // Each execution has its own DI scope (Hangfire's activator); it acts as the job, whoever asked.
        _actor.Set(Actor.System(JobName));
        try
        {
            long runId;
            if (request.JobRunId is long queued)
            {
                if (!await _history.TryClaimAsync(queued))
                {
                    _log.LogInformation("Job run {Run} of {Job} is no longer queued: nothing to do", queued, JobName);
                    return;
                }
                runId = queued;
            }
            else
            {
                if (!await IsWantedAsync(request))
                {
                    _log.LogInformation("{Job} run for {StartedBy} has nothing left to do", JobName, request.StartedBy);
                    return;
                }
                runId = await _history.StartAsync(JobName, request.StartedBy);
            }
            try
            {
                var summary = await RunAsync(request, ct);
                await _history.FinishAsync(runId, summary, null);
            }
            catch (Exception e)
            {
                // A refusal (a finalized period, bad input) is recorded on the run; only the unexpected needs its stack trace.
                if (e is ValidationException or ConflictException or ForbiddenException or NotFoundException or OperationCanceledException)
                    _log.LogInformation("Job {Job} did not run: {Reason}", JobName, e.Message);
                else _log.LogError(e, "Job {Job} failed", JobName);
                await _history.FinishAsync(runId, null, e is OperationCanceledException ? "Cancelled: the console was shutting down." : e.Message);
            }
        }
        finally
        {
            if (request.Scheduled) await _scheduler.ScheduleNextAsync(JobName);
        }
    }
}
