using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Jobs;
using MeteringConsole.Features.Projections;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// Gives the sample a billing history through the real services: the closed periods before the
/// anchor are billed (as the schedule would have), all but the last are finalized by the sample's
/// admin, and the open period is projected as of the anchor. Each step is in the job history.
/// </summary>
internal sealed class SampleBilling
{
    /// <summary>Closed periods billed before the anchor; all but the newest are finalized.</summary>
    public const int BilledPeriods = 3;

    private readonly BillingRunService _runs;
    private readonly BillingReadingService _readings;
    private readonly ProjectionService _projections;
    private readonly JobHistory _history;
    private readonly BillingSettings _settings;
    private readonly CurrentActor _actor;

    public SampleBilling(BillingRunService runs, BillingReadingService readings, ProjectionService projections, JobHistory history,
        BillingSettings settings, CurrentActor actor)
    {
        _runs = runs;
        _readings = readings;
        _projections = projections;
        _history = history;
        _settings = settings;
        _actor = actor;
    }

    public async Task BillHistoryAsync(DateTime anchor, CancellationToken ct)
    {
        var closed = new List<Period> { _settings.LastClosedPeriod(anchor) };
        while (closed.Count < BilledPeriods) closed.Insert(0, _settings.Previous(closed[0]));
        foreach (var period in closed)
        {
            var job = await _history.StartAsync(JobNames.Billing, JobData.ScheduleActor);
            var run = await _runs.RunAsync(period.Name, ct);
            if (run.Status != RunStatus.Succeeded) throw new InvalidOperationException($"Sample billing of {period.Name} failed: {run.Error}");
            await _history.FinishAsync(job, $"Run {run.Id}: period {period.Name}, {run.BucketCount} buckets", null);
        }
        var actor = await _actor.GetAsync();
        _actor.Set(new Actor(ActorKind.User, "admin@example.com", Roles.Admin));
        try
        {
            foreach (var period in closed.SkipLast(1)) await _readings.FinalizeAsync(period.Name);
        }
        finally
        {
            _actor.Set(actor);
        }
        var projection = await _history.StartAsync(JobNames.Projections, JobData.ScheduleActor);
        await _history.FinishAsync(projection, await _projections.RunAsync(ct, asOf: anchor), null);
    }
}
