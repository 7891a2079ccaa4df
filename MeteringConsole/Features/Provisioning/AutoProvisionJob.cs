using MeteringConsole.Common;
using MeteringConsole.Features.Jobs;
using Quartz;

namespace MeteringConsole.Features.Provisioning;

/// <summary>Runs <see cref="AutoProvisioner"/> nightly at <see cref="JobSettings.AutoProvisionAt"/> in the billing time zone, and on demand.</summary>
[DisallowConcurrentExecution]
public sealed class AutoProvisionJob : HistoryJob
{
    private readonly AutoProvisioner _provisioner;
    private readonly CurrentActor _actor;

    public AutoProvisionJob(AutoProvisioner provisioner, CurrentActor actor, JobHistory history, JobScheduler scheduler, ILogger<AutoProvisionJob> log)
        : base(history, scheduler, log)
    {
        _provisioner = provisioner;
        _actor = actor;
    }

    protected override string JobName => JobNames.AutoProvisioning;

    protected override async Task<string> RunAsync(IJobExecutionContext context, string startedBy)
    {
        // The audit log names the job, whoever asked for this run.
        _actor.Set(Actor.System(JobNames.AutoProvisioning));
        return (await _provisioner.RunAsync(context.CancellationToken)).Summary;
    }

    public static Task<DateTime?> NextFireAsync(IServiceProvider services, DateTime now)
    {
        var settings = services.GetRequiredService<BillingSettings>();
        var at = services.GetRequiredService<JobSettings>().AutoProvisionAt;
        var today = BillingSettings.ToDate(settings.DayOf(now));
        for (var day = today; ; day = day.AddDays(1))
        {
            var local = day.ToDateTime(at, DateTimeKind.Unspecified);
            if (settings.TimeZone.IsInvalidTime(local)) local = local.AddHours(1);
            var utc = TimeZoneInfo.ConvertTimeToUtc(local, settings.TimeZone);
            if (utc > now) return Task.FromResult<DateTime?>(utc);
        }
    }
}
