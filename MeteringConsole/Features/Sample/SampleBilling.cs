using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Jobs;
using MeteringConsole.Features.Projections;

namespace MeteringConsole.Features.Sample;

/// <summary>
/// Gives the sample a billing history through the real services: every closed period the readings
/// reach is billed (as the schedule would have), all but the last are finalized by the sample's
/// admin, and the open period is projected as of the anchor. Each step is in the job history.
/// </summary>
internal sealed class SampleBilling
{
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

    public async Task BillHistoryAsync(SampleWindow window, CancellationToken ct)
    {
        var anchor = window.Anchor;
        // Monthly periods over a 90-day window: three or four, the first of them partly covered.
        var closed = new List<Period> { _settings.LastClosedPeriod(anchor) };
        while (_settings.Previous(closed[0]).EndUtc > window.Start) closed.Insert(0, _settings.Previous(closed[0]));
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
