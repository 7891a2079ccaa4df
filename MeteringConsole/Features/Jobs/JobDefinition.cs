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

/// <summary>Keys of a trigger's data.</summary>
public static class JobData
{
    /// <summary>The job_runs row queued for an on-demand run.</summary>
    public const string JobRunId = "job_run_id";
    /// <summary>The billing_runs row an on-demand billing run executes.</summary>
    public const string BillingRunId = "billing_run_id";
    /// <summary>Set on the scheduler's own triggers.</summary>
    public const string Scheduled = "scheduled";
    /// <summary>Who started a run, as "started by" columns write it.</summary>
    public const string StartedBy = "started_by";

    public const string ScheduleActor = "system:schedule";
}
