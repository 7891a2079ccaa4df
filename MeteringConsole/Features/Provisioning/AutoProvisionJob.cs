using MeteringConsole.Common;
using MeteringConsole.Features.Jobs;
using Hangfire;

namespace MeteringConsole.Features.Provisioning;

/// <summary>Runs <see cref="AutoProvisioner"/> nightly at <see cref="JobSettings.AutoProvisionAt"/> in the billing time zone, and on demand.</summary>
[DisableConcurrentExecution(HistoryJob.LockTimeoutSeconds)]
public sealed class AutoProvisionJob : HistoryJob
{
    private readonly AutoProvisioner _provisioner;

    public AutoProvisionJob(AutoProvisioner provisioner, CurrentActor actor, JobHistory history, JobScheduler scheduler, ILogger<AutoProvisionJob> log)
        : base(history, scheduler, actor, log) => _provisioner = provisioner;

    protected override string JobName => JobNames.AutoProvisioning;

    /// <summary>The audit log names the job (the base class acts as it), whoever asked for this run.</summary>
    protected override async Task<string> RunAsync(JobRequest request, CancellationToken ct) => (await _provisioner.RunAsync(ct)).Summary;

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
