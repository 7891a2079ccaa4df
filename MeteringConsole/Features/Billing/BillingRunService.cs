using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Jobs;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Billing;

/// <summary>A billing run as the API and pages show it; periods are named by their local start date, and end on their last day.</summary>
public sealed record BillingRunView(int Id, string PeriodStart, string PeriodEnd, RunStatus Status, string StartedBy, DateTime QueuedAt,
    DateTime? StartedAt, DateTime? FinishedAt, double? DurationSeconds, string? Error, int BucketCount)
{
    public bool IsFinished => Status is RunStatus.Succeeded or RunStatus.Failed;
}

/// <summary>A period the Run Billing picker offers; <paramref name="NotBillable"/> says why it cannot be billed or finalized, null when it can.</summary>
public sealed record RunChoice(Period Period, string? NotBillable, bool Finalized, bool IsOpen)
{
    /// <summary>Why Run Billing is off for this period, or null.</summary>
    public string? WhyNoRun => NotBillable is { } reason ? $"Period {Period.Name} cannot be billed: {reason}"
        : Finalized ? $"Period {Period.Name} is finalized: a finalized period is never billed again." : null;
}

/// <summary>Starts billing runs (queued for the scheduler, or inline) and reads their status and history.</summary>
public sealed class BillingRunService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly TimeProvider _clock;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _settings;
    private readonly BillingEngine _engine;
    private readonly JobScheduler _scheduler;

    public BillingRunService(IDbContextFactory<AppDbContext> dbs, CurrentActor actor, BillingSettings settings, BillingEngine engine,
        JobScheduler scheduler, TimeProvider clock)
    {
        _clock = clock;
        _dbs = dbs;
        _actor = actor;
        _settings = settings;
        _engine = engine;
        _scheduler = scheduler;
    }

    /// <summary>
    /// Queues a run of the period and hands it to the scheduler; returns at once. A run already
    /// waiting for the same period is returned instead of queuing a second one.
    /// </summary>
    public async Task<BillingRunView> QueueAsync(string? periodStart)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        var (run, isNew) = await CreateAsync(actor, periodStart);
        if (isNew)
        {
            try
            {
                _scheduler.RunNow(JobNames.Billing, new JobRequest(run.StartedBy, BillingRunId: run.Id));
            }
            catch (InvalidOperationException e)
            {
                await FailQueuedAsync(run.Id, e.Message);
                throw new ConflictException("Billing runs cannot start: " + e.Message);
            }
        }
        return await GetAsync(run.Id);
    }

    /// <summary>Queues a run and executes it here, waiting for the result (command line, sample, benchmark, tests).</summary>
    public async Task<BillingRunView> RunAsync(string? periodStart, CancellationToken ct = default)
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        var (run, _) = await CreateAsync(actor, periodStart);
        try { await _engine.ExecuteAsync(run.Id, ct); }
        catch (ConflictException) { /* recorded on the run */ }
        catch (BillingRunTakenException)
        {
            // The queued run this caller found was taken by another caller or console process: its result is this caller's too.
            return await WaitForAsync(run.Id, ct);
        }
        return await GetAsync(run.Id);
    }

    private async Task<BillingRunView> WaitForAsync(int id, CancellationToken ct)
    {
        while (true)
        {
            var run = await GetAsync(id);
            if (run.IsFinished) return run;
            // Real time, not the app's clock: this paces a wait on another worker, it is not a business rule.
            await Task.Delay(TakenRunPoll, ct);
        }
    }

    private static readonly TimeSpan TakenRunPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>The scheduler's own run for a closed period, started by "system:schedule".</summary>
    internal async Task<int> QueueScheduledAsync(Period period)
    {
        await using var db = await _dbs.CreateDbContextAsync();
        var run = NewRun(period, JobData.ScheduleActor);
        db.BillingRuns.Add(run);
        await db.SaveChangesAsync();
        return run.Id;
    }

    public async Task<BillingRunView> GetAsync(int id)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var run = await db.BillingRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id) ?? throw new NotFoundException("Billing run", id);
        return ToView(run);
    }

    /// <summary>Newest first.</summary>
    public async Task<Page<BillingRunView>> ListAsync(PageRequest page)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var total = await db.BillingRuns.CountAsync();
        var runs = await db.BillingRuns.AsNoTracking().OrderByDescending(r => r.Id).Page(page).ToListAsync();
        return new Page<BillingRunView>(runs.Select(ToView).ToList(), total);
    }

    /// <summary>
    /// The periods the Run Billing picker offers, newest first: the open one and a year of closed
    /// ones, each with the reason it cannot be billed or finalized (open, before every contract) and
    /// whether it is finalized (then it is never billed again).
    /// </summary>
    public async Task<IReadOnlyList<RunChoice>> RunChoicesAsync(int count = 13)
    {
        await _actor.RequireAsync(Permission.Read);
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var db = await _dbs.CreateDbContextAsync();
        var earliest = await BillingPeriodRules.EarliestContractAsync(db);
        var period = _settings.PeriodContaining(now);
        var periods = new List<Period>();
        for (var i = 0; i < count; i++, period = _settings.Previous(period)) periods.Add(period);
        var starts = periods.Select(p => p.StartUtc).ToList();
        var finalized = (await db.BillingPeriods.AsNoTracking().Where(p => starts.Contains(p.PeriodStart) && p.FinalizedAt != null)
            .Select(p => p.PeriodStart).ToListAsync()).ToHashSet();
        return periods.Select(p => new RunChoice(p, BillingPeriodRules.WhyNotBillable(p, _settings, now, earliest), finalized.Contains(p.StartUtc),
            p.Index == periods[0].Index)).ToList();
    }

    private async Task<(BillingRun Run, bool IsNew)> CreateAsync(Actor actor, string? periodStart)
    {
        if (actor.ClientScope is not null) throw new ForbiddenException("A client-scoped key cannot run billing: a run bills every client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var period = await BillingPeriodRules.RequireBillableAsync(db, _settings, _clock.GetUtcNow().UtcDateTime, periodStart, "billed");
        // One creator at a time per period, also across console processes (SQLite: the transaction's
        // write lock; PostgreSQL: the period's advisory lock), so callers arriving together share one queued run.
        await using var transaction = await db.Database.BeginTransactionAsync();
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", BillingEngine.PeriodLockKey(period.StartUtc));
        if (await db.BillingPeriods.AnyAsync(p => p.PeriodStart == period.StartUtc && p.FinalizedAt != null))
            throw new ConflictException($"Period {period.Name} is finalized: it cannot be billed again.");
        var waiting = await db.BillingRuns.AsNoTracking()
            .FirstOrDefaultAsync(r => r.PeriodStart == period.StartUtc && r.Status == RunStatus.Queued);
        if (waiting is not null) return (waiting, false);
        var run = NewRun(period, actor.Label);
        db.BillingRuns.Add(run);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return (run, true);
    }

    private BillingRun NewRun(Period period, string startedBy) => new()
    {
        PeriodStart = period.StartUtc, PeriodEnd = period.EndUtc, Status = RunStatus.Queued, StartedBy = startedBy, QueuedAt = _clock.GetUtcNow().UtcDateTime,
    };

    private async Task FailQueuedAsync(int id, string error)
    {
        await using var db = await _dbs.CreateDbContextAsync();
        var run = await db.BillingRuns.FindAsync(id);
        if (run is null) return;
        (run.Status, run.Error, run.FinishedAt) = (RunStatus.Failed, error, _clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync();
    }

    private BillingRunView ToView(BillingRun r)
    {
        var start = _settings.PeriodStartingAtUtc(r.PeriodStart);
        var name = start?.Name ?? _settings.PeriodContaining(r.PeriodStart).Name;
        var end = start is not null ? BillingReadingService.EndName(start)
            : BillingSettings.ToDate(_settings.DayOf(r.PeriodEnd)).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        double? duration = r.StartedAt is DateTime s && r.FinishedAt is DateTime f ? Math.Round((f - s).TotalSeconds, 3) : null;
        return new BillingRunView(r.Id, name, end, r.Status, r.StartedBy, r.QueuedAt, r.StartedAt, r.FinishedAt, duration, r.Error, r.BucketCount);
    }
}
