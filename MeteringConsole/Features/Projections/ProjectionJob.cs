using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Jobs;
using Microsoft.EntityFrameworkCore;
using Hangfire;
using MeteringConsole.Common;
using MeteringConsole.Features.Alerts;

namespace MeteringConsole.Features.Projections;

/// <summary>Projects the open period, every <see cref="JobSettings.ProjectionInterval"/> and on demand.</summary>
[DisableConcurrentExecution(HistoryJob.LockTimeoutSeconds)]
public sealed class ProjectionJob : HistoryJob
{
    private readonly ProjectionService _projections;
    private readonly IAlertTrigger _alerts;

    public ProjectionJob(ProjectionService projections, JobHistory history, JobScheduler scheduler, CurrentActor actor, ILogger<ProjectionJob> log,
        IAlertTrigger alerts)
        : base(history, scheduler, actor, log)
    {
        _projections = projections;
        _alerts = alerts;
    }

    protected override string JobName => JobNames.Projections;

    protected override async Task<string> RunAsync(JobRequest request, CancellationToken ct)
    {
        var summary = await _projections.RunAsync(ct);
        _alerts.Request("a projection run");
        return summary;
    }

    /// <summary>One interval after the last run; soon after start-up when the last one is older than that.</summary>
    public static async Task<DateTime?> NextFireAsync(IServiceProvider services, DateTime now)
    {
        var interval = services.GetRequiredService<JobSettings>().ProjectionInterval;
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var last = await db.JobRuns.Where(r => r.JobName == JobNames.Projections && r.Status != RunStatus.Queued)
            .OrderByDescending(r => r.StartedAt).Select(r => (DateTime?)r.StartedAt).FirstOrDefaultAsync();
        var next = (last ?? DateTime.MinValue) + interval;
        return next > now ? next : now.AddSeconds(30);
    }
}
