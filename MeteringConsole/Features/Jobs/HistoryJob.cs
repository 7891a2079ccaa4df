using Quartz;

namespace MeteringConsole.Features.Jobs;

/// <summary>
/// A job whose every execution is recorded in job_runs (who started it, when, how long, outcome,
/// error) and whose scheduled executions schedule the next one when they finish.
/// </summary>
public abstract class HistoryJob : IJob
{
    private readonly JobHistory _history;
    private readonly JobScheduler _scheduler;
    private readonly ILogger _log;

    protected HistoryJob(JobHistory history, JobScheduler scheduler, ILogger log)
    {
        _history = history;
        _scheduler = scheduler;
        _log = log;
    }

    protected abstract string JobName { get; }

    /// <summary>Does the work and returns a one-line summary for the history.</summary>
    protected abstract Task<string> RunAsync(IJobExecutionContext context, string startedBy);

    public async Task Execute(IJobExecutionContext context)
    {
        var data = context.MergedJobDataMap;
        var scheduled = data.ContainsKey(JobData.Scheduled);
        var startedBy = data.GetString(JobData.StartedBy) ?? JobData.ScheduleActor;
        long? queuedId = data.TryGetLongValue(JobData.JobRunId, out var id) ? id : null;
        var runId = await _history.StartAsync(JobName, startedBy, queuedId);
        try
        {
            var summary = await RunAsync(context, startedBy);
            await _history.FinishAsync(runId, summary, null);
        }
        catch (Exception e)
        {
            _log.LogError(e, "Job {Job} failed", JobName);
            await _history.FinishAsync(runId, null, e.Message);
        }
        finally
        {
            if (scheduled) await _scheduler.ScheduleNextAsync(JobName);
        }
    }
}
