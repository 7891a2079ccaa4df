namespace MeteringConsole.Features.Jobs;

/// <summary>
/// A job the scheduler knows: what it is called, what it does, and when it next runs by itself.
/// <see cref="NextFireAsync"/> is asked at start-up and after every scheduled run, so a schedule
/// can depend on the calendar (period ends) and on history (a missed run is caught up).
/// </summary>
public sealed record JobDefinition(string Name, string Title, string Description, Type JobType, string Schedule,
    Func<IServiceProvider, DateTime, Task<DateTime?>> NextFireAsync);

/// <summary>Names of the jobs, as job_runs records them.</summary>
public static class JobNames
{
    public const string Billing = "billing";
    public const string Projections = "projections";
    public const string AutoProvisioning = "auto-provisioning";
}

/// <summary>
/// What one Hangfire job execution is asked to do; Hangfire stores it as the job's argument, so it
/// survives a restart with the job. Exactly one of the ids is set for an on-demand run, none for
/// the schedule's own run.
/// </summary>
/// <param name="JobRunId">The job_runs row queued for an on-demand projection or auto-provisioning run.</param>
/// <param name="BillingRunId">The billing_runs row an on-demand billing run executes.</param>
public sealed record JobRequest(string StartedBy, long? JobRunId = null, int? BillingRunId = null)
{
    public bool Scheduled => JobRunId is null && BillingRunId is null;

    public static JobRequest Schedule() => new(JobData.ScheduleActor);
}

public static class JobData
{
    /// <summary>Who started the schedule's own runs, as "started by" columns write it.</summary>
    public const string ScheduleActor = "system:schedule";
}
