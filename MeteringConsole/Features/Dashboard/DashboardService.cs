using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Billing;
using System.Data.Common;

namespace MeteringConsole.Features.Dashboard;

public sealed record PeriodRevenue(string Period, decimal Committed, decimal Overage, decimal Buffer, decimal Total, int Clients);

public sealed record ClientShare(int ClientId, string Client, decimal Amount, decimal Share);

public sealed record NewOverage(int ClientId, string Client, string Bucket, decimal PercentOfCommit);

public sealed record StatusCount(string Status, int Clients);

public sealed record SourceRevenue(string Source, decimal Amount);

/// <summary>What the dashboard shows about money: billed history, the open period's projection, and who moved.</summary>
public sealed record RevenueOverview(
    IReadOnlyList<PeriodRevenue> History,
    string? OpenPeriod,
    decimal? ProjectedRevenue,
    DateTime? ProjectedAt,
    IReadOnlyList<ClientShare> TopClients,
    IReadOnlyList<NewOverage> NewOverages,
    IReadOnlyList<StatusCount> ClientStatus,
    IReadOnlyList<SourceRevenue> BySource)
{
    public PeriodRevenue? LastPeriod => History.Count > 0 ? History[^1] : null;
    public PeriodRevenue? PeriodBefore => History.Count > 1 ? History[^2] : null;

    /// <summary>Month-over-month (period-over-period) change of billed revenue, in percent.</summary>
    public decimal? RevenueChangePercent => LastPeriod is { } last && PeriodBefore is { Total: > 0 } before
        ? Math.Round((last.Total - before.Total) / before.Total * 100, 1, MidpointRounding.AwayFromZero)
        : null;

    public decimal? AverageRevenuePerClient => LastPeriod is { Clients: > 0 } last
        ? Math.Round(last.Total / last.Clients, 2, MidpointRounding.AwayFromZero)
        : null;
}

/// <summary>
/// The dashboard's revenue figures, read with a handful of aggregate queries over billing
/// readings and projections (money columns are whole millionths, summed exactly in SQL).
/// </summary>
public sealed class DashboardService
{
    private const int HistoryPeriods = 12;

    private readonly CurrentActor _actor;
    private readonly DatabaseOptions _database;
    private readonly BillingSettings _billing;
    private readonly TimeProvider _clock;

    public DashboardService(CurrentActor actor, DatabaseOptions database, BillingSettings billing, TimeProvider clock)
    {
        _actor = actor;
        _database = database;
        _billing = billing;
        _clock = clock;
    }

    public async Task<RevenueOverview> RevenueAsync(CancellationToken ct = default)
    {
        await _actor.RequireAsync(Permission.Read);
        await using var connection = await _database.OpenAsync(ct);

        // Closed periods only: "last period" and MoM are never a partial month, even where an open
        // period was billed before only closed ones could be.
        var history = new List<(DateTime StartUtc, PeriodRevenue Revenue)>();
        var openStart = SqlValues.Instant(_billing.PeriodContaining(_clock.GetUtcNow().UtcDateTime).StartUtc);
        await Read(connection, $"""
            SELECT period_start, CAST(SUM(committed_cost) AS BIGINT), CAST(SUM(overage_cost) AS BIGINT), CAST(SUM(buffer_cost) AS BIGINT),
                   CAST(SUM(final_cost) AS BIGINT), COUNT(DISTINCT client_id)
            FROM billing_readings WHERE period_start < @open GROUP BY period_start ORDER BY period_start DESC LIMIT {HistoryPeriods}
            """, r => history.Add((SqlValues.ReadInstant(r, 0), new PeriodRevenue(Name(SqlValues.ReadInstant(r, 0)), Money(r, 1), Money(r, 2), Money(r, 3), Money(r, 4), r.GetInt32(5)))), ct,
            ("@open", openStart));
        history.Reverse();
        DateTime? lastStart = history.Count > 0 ? history[^1].StartUtc : null;

        DateTime? projectedStart = null;
        decimal? projected = null;
        DateTime? projectedAt = null;
        await Read(connection, """
            SELECT period_start, CAST(SUM(projected_cost) AS BIGINT), MAX(calculated_at) FROM projections
            WHERE period_start = (SELECT MAX(period_start) FROM projections) GROUP BY period_start
            """, r => (projectedStart, projected, projectedAt) = (SqlValues.ReadInstant(r, 0), Money(r, 1), SqlValues.ReadInstant(r, 2)), ct);

        var top = new List<ClientShare>();
        if (projectedStart is not null)
            await Read(connection, """
                SELECT p.client_id, c.name, CAST(SUM(p.projected_cost) AS BIGINT) FROM projections p JOIN clients c ON c.id = p.client_id
                WHERE p.period_start = @open GROUP BY p.client_id, c.name ORDER BY 3 DESC, p.client_id LIMIT 8
                """, r => top.Add(new ClientShare(r.GetInt32(0), r.GetString(1), Money(r, 2),
                    projected is > 0 ? Math.Round(Money(r, 2) / projected.Value * 100, 1, MidpointRounding.AwayFromZero) : 0)), ct, ("@open", projectedStart.Value));

        // Buckets heading over commit now that were not over last period: renewal and upsell signals.
        var newOverages = new List<NewOverage>();
        if (projectedStart is not null)
            await Read(connection, """
                SELECT c.id, c.name, b.name, p.percent_of_commit FROM projections p
                JOIN billing_buckets b ON b.id = p.bucket_id JOIN clients c ON c.id = p.client_id
                WHERE p.period_start = @open AND p.percent_of_commit > @hundred
                  AND NOT EXISTS (SELECT 1 FROM billing_readings r WHERE r.bucket_id = p.bucket_id AND r.period_start = @last AND r.overage_units > 0)
                ORDER BY p.percent_of_commit DESC, p.id LIMIT 10
                """, r => newOverages.Add(new NewOverage(r.GetInt32(0), r.GetString(1), r.GetString(2), Money(r, 3))), ct,
                ("@open", projectedStart.Value), ("@hundred", SqlValues.Micros(100)), ("@last", lastStart is DateTime l ? l : (object)new SqlRows.TypedNull(System.Data.DbType.DateTime)));

        var status = new Dictionary<string, int>();
        var bySource = new List<SourceRevenue>();
        if (lastStart is not null)
        {
            await Read(connection, $"""
                SELECT CASE WHEN over_count > 0 AND under_count = 0 THEN 'Over' WHEN under_count > 0 AND over_count = 0 THEN 'Under'
                            WHEN over_count > 0 AND under_count > 0 THEN 'Mixed' ELSE 'At commit' END, COUNT(*)
                FROM (SELECT r.client_id, {BillingReadingService.OverBuckets} AS over_count, {BillingReadingService.UnderBuckets} AS under_count
                      FROM billing_readings r WHERE r.period_start = @last GROUP BY r.client_id) AS per_client
                GROUP BY 1
                """, r => status[r.GetString(0)] = r.GetInt32(1), ct, ("@last", lastStart.Value));
            await Read(connection, """
                SELECT r.source_type, CAST(SUM(r.final_cost) AS BIGINT) FROM billing_readings r
                WHERE r.period_start = @last GROUP BY r.source_type ORDER BY 2 DESC, r.source_type
                """, r => bySource.Add(new SourceRevenue(r.GetString(0), Money(r, 1))), ct, ("@last", lastStart.Value));
        }

        var statuses = new[] { "Over", "Under", "Mixed", "At commit" }.Where(status.ContainsKey).Select(s => new StatusCount(s, status[s])).ToList();
        return new RevenueOverview(history.Select(h => h.Revenue).ToList(), projectedStart is DateTime p ? Name(p) : null, projected, projectedAt,
            top, newOverages, statuses, bySource);
    }

    /// <summary>A period's name: its start date in the billing time zone.</summary>
    private string Name(DateTime startUtc) => BillingSettings.ToDate(_billing.DayOf(startUtc)).ToString("yyyy-MM-dd");

    private static decimal Money(DbDataReader r, int column) => r.IsDBNull(column) ? 0 : SqlValues.FromMicros(r.GetInt64(column));

    private static async Task Read(DbConnection connection, string sql, Action<DbDataReader> row, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = connection.Command(sql);
        foreach (var (name, value) in parameters)
            if (value is SqlRows.TypedNull typed) cmd.AddParameter(name, typed.Type).Value = DBNull.Value;
            else cmd.Bind(name, value);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) row(r);
    }
}
