using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Alerts;
using MeteringConsole.Features.Jobs;
using Microsoft.EntityFrameworkCore;
using Hangfire;

namespace MeteringConsole.Features.Billing;

/// <summary>
/// Executes billing runs: an on-demand run queued by <see cref="BillingRunService"/>, or the
/// schedule's run of the period that just closed. One job for both, so they queue behind each other.
/// </summary>
[DisableConcurrentExecution(HistoryJob.LockTimeoutSeconds)]
public sealed class BillingJob : HistoryJob
{
    private readonly BillingEngine _engine;
    private readonly TimeProvider _clock;
    private readonly BillingRunService _runs;
    private readonly BillingSettings _settings;

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly IServiceProvider _services;
    private readonly IAlertTrigger _alerts;

    public BillingJob(BillingEngine engine, BillingRunService runs, BillingSettings settings, JobHistory history, JobScheduler scheduler,
        CurrentActor actor, IDbContextFactory<AppDbContext> dbs, IServiceProvider services, ILogger<BillingJob> log, TimeProvider clock,
        IAlertTrigger alerts)
        : base(history, scheduler, actor, log)
    {
        _alerts = alerts;
        _dbs = dbs;
        _services = services;
        _clock = clock;
        _engine = engine;
        _runs = runs;
        _settings = settings;
    }

    protected override string JobName => JobNames.Billing;

    /// <summary>
    /// An on-demand run is wanted while its billing run is still queued (a restart marks one cut
    /// off mid-run interrupted); the schedule's run while its period is still due.
    /// </summary>
    protected override async Task<bool> IsWantedAsync(JobRequest request)
    {
        if (request.BillingRunId is int id)
        {
            await using var db = await _dbs.CreateDbContextAsync();
            return await db.BillingRuns.AnyAsync(r => r.Id == id && r.Status == RunStatus.Queued);
        }
        var now = _clock.GetUtcNow().UtcDateTime;
        return await NextFireAsync(_services, now) <= now;
    }

    protected override async Task<string> RunAsync(JobRequest request, CancellationToken ct)
    {
        var runId = request.BillingRunId ?? await _runs.QueueScheduledAsync(_settings.LastClosedPeriod(_clock.GetUtcNow().UtcDateTime));
        var outcome = await _engine.ExecuteAsync(runId, ct);
        _alerts.Request("a billing run");
        return $"Run {runId}: period {outcome.Period.Name}, {outcome.Buckets} buckets, {outcome.TotalCost:N2} {_settings.Currency}";
    }

    /// <summary>
    /// The period that just closed is billed <see cref="JobSettings.BillingDelay"/> after its end. If
    /// the console was down then, it is billed at start-up instead, unless it was billed meanwhile,
    /// finalized, already attempted by the schedule, or there is nothing to bill.
    /// </summary>
    public static async Task<DateTime?> NextFireAsync(IServiceProvider services, DateTime now)
    {
        var settings = services.GetRequiredService<BillingSettings>();
        var delay = services.GetRequiredService<JobSettings>().BillingDelay;
        var closed = settings.LastClosedPeriod(now);
        var due = closed.EndUtc + delay;
        if (due > now) return due;
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var settled = await db.BillingRuns.AnyAsync(r => r.PeriodStart == closed.StartUtc
                          && (r.Status == RunStatus.Succeeded || r.StartedBy == JobData.ScheduleActor))
                      || await db.BillingPeriods.AnyAsync(p => p.PeriodStart == closed.StartUtc && p.FinalizedAt != null)
                      || !await db.BillingBuckets.AnyAsync(b => b.Enabled);
        return settled ? settings.Next(closed).EndUtc + delay : now;
    }
}
