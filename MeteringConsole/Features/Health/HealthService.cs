using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Jobs;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Health;

public sealed record HealthReport(string Status, bool Database, DateTime? LastBillingRun, DateTime? LastProjection);

/// <summary>Is the console able to work, and when did billing and projections last run. No secrets.</summary>
public sealed class HealthService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly ILogger<HealthService> _log;

    public HealthService(IDbContextFactory<AppDbContext> dbs, ILogger<HealthService> log)
    {
        _dbs = dbs;
        _log = log;
    }

    public async Task<HealthReport> CheckAsync(CancellationToken ct = default)
    {
        try
        {
            await using var db = await _dbs.CreateDbContextAsync(ct);
            var lastBilling = await db.BillingRuns.Where(r => r.Status == RunStatus.Succeeded)
                .OrderByDescending(r => r.FinishedAt).Select(r => r.FinishedAt).FirstOrDefaultAsync(ct);
            // The job history knows when a projection run last finished, even one that found no bucket
            // to project; stored projections are the fallback for data from before the history.
            var lastProjection = await JobService.LastSuccessAsync(db, JobNames.Projections, ct)
                ?? await db.Projections.OrderByDescending(p => p.CalculatedAt).Select(p => (DateTime?)p.CalculatedAt).FirstOrDefaultAsync(ct);
            return new HealthReport("ok", true, lastBilling, lastProjection);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            _log.LogError(e, "Health check could not reach the database");
            return new HealthReport("unhealthy", false, null, null);
        }
    }
}
