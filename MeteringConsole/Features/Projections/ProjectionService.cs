using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Jobs;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Projections;

/// <summary>A stored projection as the API and the Projections page show it.</summary>
public sealed record ProjectionRow(long Id, int ClientId, string ClientName, int BucketId, string BucketName, string UnitType,
    string PeriodStart, decimal Commit, decimal CurrentUsage, decimal ProjectedUsage, decimal ProjectedCost, decimal? PercentOfCommit,
    DateTime CalculatedAt)
{
    /// <summary>Heading over commit by the period's end.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HeadingOver => ProjectedUsage > Commit;
}

public sealed record ProjectionFilter(int? ClientId = null, string? Search = null, bool OverCommitOnly = false,
    IReadOnlyCollection<int>? BucketIds = null);

/// <summary>Projections of the open period: the hourly job's results, on-demand runs, and the per-client view.</summary>
public sealed class ProjectionService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly TimeProvider _clock;
    private readonly DatabaseOptions _database;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _settings;
    private readonly JobScheduler _scheduler;
    private readonly JobHistory _history;
    private readonly DatabaseWriteGate _gate;

    public ProjectionService(IDbContextFactory<AppDbContext> dbs, DatabaseOptions database, CurrentActor actor, BillingSettings settings,
        JobScheduler scheduler, JobHistory history, TimeProvider clock, DatabaseWriteGate gate)
    {
        _gate = gate;
        _clock = clock;
        _dbs = dbs;
        _database = database;
        _actor = actor;
        _settings = settings;
        _scheduler = scheduler;
        _history = history;
    }

    /// <summary>Queues a projection run for the scheduler; returns at once.</summary>
    public async Task<JobRunView> QueueAsync()
    {
        var actor = await _actor.RequireAsync(Permission.Write);
        if (actor.ClientScope is not null) throw new ForbiddenException("A client-scoped key cannot run projections: a run covers every client.");
        if (!_scheduler.IsRunning) throw new ConflictException("Projection runs cannot start: the job scheduler is not running (Jobs:Enabled is false).");
        var id = await _history.QueueAsync(JobNames.Projections, actor.Label);
        _scheduler.RunNow(JobNames.Projections, new JobRequest(actor.Label, JobRunId: id));
        return await GetRunAsync(id);
    }

    public async Task<JobRunView> GetRunAsync(long id)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var db = await _dbs.CreateDbContextAsync();
        var run = await db.JobRuns.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id) ?? throw new NotFoundException("Job run", id);
        return JobRunView.From(run);
    }

    private static readonly string[] ProjectionColumns =
        ["bucket_id", "client_id", "period_start", "period_end", "current_usage", "projected_usage", "projected_cost", "percent_of_commit", "calculated_at"];

    /// <summary>
    /// Projects every enabled bucket for the open period and replaces that period's projections in
    /// one transaction. Returns a one-line summary.
    /// </summary>
    /// <param name="asOf">The instant to project from (the sample generator's anchor); now when null.</param>
    public async Task<string> RunAsync(CancellationToken ct = default, DateTime? asOf = null)
    {
        await _actor.RequireAsync(Permission.Write);
        var now = asOf ?? _clock.GetUtcNow().UtcDateTime;
        await using var connection = await _database.OpenAsync(ct);
        var projections = await ProjectionCalculator.ComputeAsync(connection, _settings, now, enabledOnly: true, ct: ct);
        var period = _settings.PeriodContaining(now);
        var (start, end, at) = (SqlValues.Instant(period.StartUtc), SqlValues.Instant(period.EndUtc), SqlValues.Instant(now));
        // Takes its turn with ingest (DatabaseWriteGate): under sustained ingest it would otherwise be starved.
        using var turn = await _gate.EnterAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var delete = connection.Command("DELETE FROM projections WHERE period_start = @start", transaction).Bind("@start", start))
            await delete.ExecuteNonQueryAsync(ct);
        await SqlRows.InsertAsync(connection, transaction, "projections", ProjectionColumns, projections.Select(x => new object?[]
        {
            x.Bucket.BucketId, x.Bucket.ClientId, start, end, SqlValues.Micros(x.CurrentUsage), SqlValues.Micros(x.ProjectedUsage),
            SqlValues.Micros(x.ProjectedCost), x.PercentOfCommit is decimal pct ? SqlValues.Micros(pct) : (object)new SqlRows.TypedNull(System.Data.DbType.Int64), at,
        }), ct);
        await transaction.CommitAsync(ct);
        var over = projections.Count(x => x.OverCommit);
        return $"Period {period.Name}: {projections.Count} buckets projected, {over} heading over commit, "
            + $"{projections.Sum(x => x.ProjectedCost):N2} {_settings.Currency} projected";
    }

    /// <summary>The latest projections (of the most recently projected period), paged and sorted on the server.</summary>
    public async Task<Page<ProjectionRow>> ListAsync(ProjectionFilter filter, PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (filter.ClientId is int c && !actor.MaySee(c)) throw new ForbiddenException("This API key is scoped to another client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var latest = await db.Projections.OrderByDescending(p => p.PeriodStart).Select(p => (DateTime?)p.PeriodStart).FirstOrDefaultAsync();
        if (latest is null) return new Page<ProjectionRow>(Array.Empty<ProjectionRow>(), 0);
        var query = db.Projections.AsNoTracking().Where(p => p.PeriodStart == latest);
        if (actor.ClientScope is int scope) query = query.Where(p => p.ClientId == scope);
        if (filter.ClientId is int clientId) query = query.Where(p => p.ClientId == clientId);
        if (filter.OverCommitOnly) query = query.Where(p => p.ProjectedUsage > p.Bucket!.Commit);
        if (filter.BucketIds is { } bucketIds) query = query.Where(p => bucketIds.Contains(p.BucketId));
        if (!string.IsNullOrWhiteSpace(filter.Search))
            query = query.WhereContains(db.Database, filter.Search, p => p.Bucket!.Name, p => p.Bucket!.Client!.Name);
        var total = await query.CountAsync();
        var rows = await Sorts.Apply(query, page.OrderBy).Page(page).Select(p => new
        {
            p.Id, p.ClientId, Client = p.Bucket!.Client!.Name, p.BucketId, Bucket = p.Bucket.Name, Unit = p.Bucket.UnitType!.Name,
            p.PeriodStart, p.Bucket.Commit, p.CurrentUsage, p.ProjectedUsage, p.ProjectedCost, p.PercentOfCommit, p.CalculatedAt,
        }).ToListAsync();
        return new Page<ProjectionRow>(rows.Select(r => new ProjectionRow(r.Id, r.ClientId, r.Client, r.BucketId, r.Bucket, r.Unit,
            _settings.PeriodContaining(r.PeriodStart).Name, Trim(r.Commit), Trim(r.CurrentUsage), Trim(r.ProjectedUsage),
            decimal.Round(r.ProjectedCost, 2), r.PercentOfCommit is decimal pct ? decimal.Round(pct, 2) : null, r.CalculatedAt)).ToList(), total);
    }

    /// <summary>One client's latest projections, for the API.</summary>
    public async Task<IReadOnlyList<ProjectionRow>> ForClientAsync(int clientId)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (!actor.MaySee(clientId)) throw new ForbiddenException("This API key is scoped to another client.");
        await using (var db = await _dbs.CreateDbContextAsync())
            if (!await db.Clients.AnyAsync(c => c.Id == clientId)) throw new NotFoundException("Client", clientId);
        return (await ListAsync(new ProjectionFilter(clientId), new PageRequest(0, 500, "BucketName"))).Items;
    }

    private static decimal Trim(decimal value) => value / 1.000000000000000000000000000000000m;

    private static readonly SortMap<Projection> Sorts = new SortMap<Projection>("ClientName")
        .Add("ClientName", p => p.Bucket!.Client!.Name).Add("BucketName", p => p.Bucket!.Name).Add("UnitType", p => p.Bucket!.UnitType!.Name)
        .Add("Commit", p => p.Bucket!.Commit).Add("CurrentUsage", p => p.CurrentUsage).Add("ProjectedUsage", p => p.ProjectedUsage)
        .Add("ProjectedCost", p => p.ProjectedCost).Add("PercentOfCommit", p => p.PercentOfCommit).Add("CalculatedAt", p => p.CalculatedAt);
}
