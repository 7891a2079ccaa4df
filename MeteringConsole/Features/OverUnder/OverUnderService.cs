using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Data;
using System.Data.Common;

namespace MeteringConsole.Features.OverUnder;

/// <summary>
/// Over/Under for one billed period: each client against its commits, the right-size candidates,
/// the three unit-type lenses and the 12-period trend. Figures come from the billing readings as
/// billed, so a finalized period reads the same whatever happened to its buckets since.
/// The page and <c>GET /api/v1/over-under</c> both call <see cref="ReportAsync"/>.
/// </summary>
public sealed class OverUnderService
{
    public const int TrendPeriods = 12;
    public const int RightSizeLimit = 10;
    public const int MaxTake = 5000;

    private readonly DatabaseOptions _database;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _settings;
    private readonly TimeProvider _clock;

    public OverUnderService(DatabaseOptions database, CurrentActor actor, BillingSettings settings, TimeProvider clock)
    {
        _database = database;
        _actor = actor;
        _settings = settings;
        _clock = clock;
    }

    /// <summary>The billed periods the picker offers, newest first, and the one it opens on: the latest closed one.</summary>
    public async Task<(IReadOnlyList<string> Periods, string? Default)> PeriodsAsync()
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var connection = await _database.OpenAsync();
        var periods = await BilledPeriodsAsync(connection, actor.ClientScope);
        var now = _clock.GetUtcNow().UtcDateTime;
        var closed = periods.FirstOrDefault(p => p.EndUtc <= now);
        return (periods.Select(p => p.Name).ToList(), closed?.Name);
    }

    /// <summary>The unit types the filter offers.</summary>
    public async Task<IReadOnlyList<string>> UnitTypesAsync()
    {
        await _actor.RequireAsync(Permission.Read);
        await using var connection = await _database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM unit_types ORDER BY name";
        var names = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        return names;
    }

    /// <summary>
    /// The report for a billed period (the latest closed one when none is given), or null when
    /// nothing has been billed. A client-scoped key sees its own client only.
    /// </summary>
    public async Task<OverUnderReport?> ReportAsync(OverUnderQuery query)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var connection = await _database.OpenAsync();
        var billed = await BilledPeriodsAsync(connection, actor.ClientScope);
        var period = ChoosePeriod(query.PeriodStart, billed);
        if (period is null) return null;
        var unitType = await CheckUnitTypeAsync(connection, query.UnitType);

        var lines = await LinesAsync(connection, period, actor.ClientScope, unitType);
        var clients = OverUnderMath.Clients(lines);
        var counts = new OverUnderCounts(clients.Count, clients.Count(c => c.Status == OverUnderStatus.Over),
            clients.Count(c => c.Status == OverUnderStatus.Under), clients.Count(c => c.Status == OverUnderStatus.Mixed),
            clients.Count(c => c.Status == OverUnderStatus.AtCommit));
        var listed = Filter(clients, query.Status);
        var take = Math.Clamp(query.Take, 1, MaxTake);
        var page = Sort(listed, query.OrderBy).Skip(Math.Max(0, query.Skip)).Take(take).ToList();

        var trendStarts = billed.Where(p => p.StartUtc <= period.StartUtc).Take(TrendPeriods).ToList();
        var trend = await TrendAsync(connection, trendStarts, actor.ClientScope, unitType);

        return new OverUnderReport(period.Name, PeriodEndName(period), _settings.Currency, counts, page, listed.Count,
            OverUnderMath.RightSizeCandidates(lines).Take(RightSizeLimit).ToList(), lines.Sum(l => l.BufferCost),
            OverUnderMath.ByUnitType(lines), trend);
    }

    /// <summary>How the console names a period's end everywhere: its last day, inclusive.</summary>
    public static string PeriodEndName(Period period) => period.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private Period? ChoosePeriod(string? requested, IReadOnlyList<Period> billed)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            var now = _clock.GetUtcNow().UtcDateTime;
            return billed.FirstOrDefault(p => p.EndUtc <= now) ?? billed.FirstOrDefault();
        }
        var period = _settings.ParsePeriod(requested);
        return billed.Any(p => p.StartUtc == period.StartUtc)
            ? period
            : throw new ValidationException("period_start", $"{period.Name} has not been billed: choose a billed period.");
    }

    private static async Task<string?> CheckUnitTypeAsync(DbConnection connection, string? unitType)
    {
        if (string.IsNullOrWhiteSpace(unitType)) return null;
        var name = unitType.Trim().ToLowerInvariant();
        await using var cmd = connection.Command("SELECT COUNT(*) FROM unit_types WHERE name = @name").Bind("@name", name);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync()) > 0
            ? name
            : throw new ValidationException("unit_type", $"There is no unit type named '{unitType.Trim()}'.");
    }

    private async Task<IReadOnlyList<Period>> BilledPeriodsAsync(DbConnection connection, int? scope)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT DISTINCT period_start FROM billing_readings
            {(scope is null ? "" : "WHERE client_id = @scope")} ORDER BY period_start DESC
            """;
        if (scope is int s) cmd.Bind("@scope", s);
        var periods = new List<Period>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) periods.Add(_settings.PeriodContaining(SqlValues.ReadInstant(reader, 0)));
        return periods;
    }

    // The unit type a reading was billed as, kept on the reading: a bucket changed since changes nothing here.
    private const string UnitTypeOfReading = "r.unit_type";
    private const string ReadingsFrom = "FROM billing_readings r";

    private static async Task<IReadOnlyList<OverUnderLine>> LinesAsync(DbConnection connection, Period period, int? scope, string? unitType)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT r.client_id, c.name, {UnitTypeOfReading}, r.total_usage, r."commit", r.base_rate, r.committed_cost, r.overage_cost,
                   r.buffer_units, r.buffer_cost, r.final_cost
            {ReadingsFrom} JOIN clients c ON c.id = r.client_id
            WHERE r.period_start = @start {Where(scope, unitType)}
            """;
        cmd.Bind("@start", SqlValues.Instant(period.StartUtc));
        Bind(cmd, scope, unitType);
        var lines = new List<OverUnderLine>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(new OverUnderLine(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), Units(reader.GetInt64(3)),
                Units(reader.GetInt64(4)), Units(reader.GetInt64(5)), Money(reader.GetInt64(6)), Money(reader.GetInt64(7)),
                Units(reader.GetInt64(8)), Money(reader.GetInt64(9)), Money(reader.GetInt64(10))));
        return lines;
    }

    private static async Task<IReadOnlyList<TrendPoint>> TrendAsync(DbConnection connection, IReadOnlyList<Period> periods, int? scope,
        string? unitType)
    {
        if (periods.Count == 0) return Array.Empty<TrendPoint>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT r.period_start, CAST(SUM(r.overage_cost) AS BIGINT), CAST(SUM(r.buffer_cost) AS BIGINT) {ReadingsFrom}
            WHERE r.period_start >= @first AND r.period_start <= @last {Where(scope, unitType)}
            GROUP BY r.period_start
            """;
        cmd.Bind("@first", SqlValues.Instant(periods[^1].StartUtc));
        cmd.Bind("@last", SqlValues.Instant(periods[0].StartUtc));
        Bind(cmd, scope, unitType);
        var sums = new Dictionary<DateTime, (decimal Overage, decimal Buffer)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                sums[SqlValues.ReadInstant(reader, 0)] = (Money(reader.GetInt64(1)), Money(reader.GetInt64(2)));
        // Oldest first, as a chart reads; a billed period with no line in scope is a zero, not a gap.
        return periods.Reverse().Select(p => sums.TryGetValue(p.StartUtc, out var s)
            ? new TrendPoint(p.Name, s.Overage, s.Buffer)
            : new TrendPoint(p.Name, 0, 0)).ToList();
    }

    private static string Where(int? scope, string? unitType)
        => (scope is null ? "" : " AND r.client_id = @scope") + (unitType is null ? "" : $" AND {UnitTypeOfReading} = @unit");

    private static void Bind(DbCommand cmd, int? scope, string? unitType)
    {
        if (scope is int s) cmd.Bind("@scope", s);
        if (unitType is not null) cmd.Bind("@unit", unitType);
    }

    private static IReadOnlyList<OverUnderClient> Filter(IReadOnlyList<OverUnderClient> clients, OverUnderFilter filter) => filter switch
    {
        OverUnderFilter.Over => clients.Where(c => c.Status == OverUnderStatus.Over).ToList(),
        OverUnderFilter.Under => clients.Where(c => c.Status == OverUnderStatus.Under).ToList(),
        OverUnderFilter.Mixed => clients.Where(c => c.Status == OverUnderStatus.Mixed).ToList(),
        _ => clients,
    };

    private static IEnumerable<OverUnderClient> Sort(IReadOnlyList<OverUnderClient> clients, string? orderBy)
    {
        var parts = (orderBy ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var desc = parts.Length > 1 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
        Func<OverUnderClient, object?> key = (parts.FirstOrDefault() ?? "").ToLowerInvariant() switch
        {
            "status" or "status_name" => c => c.Status,
            "finalcost" or "final_cost" => c => c.FinalCost,
            "vscommitpercent" or "vs_commit_percent" => c => c.VsCommitPercent,
            "overagecost" or "overage_cost" => c => c.OverageCost,
            "buffercost" or "buffer_cost" => c => c.BufferCost,
            "committedcost" or "committed_cost" => c => c.CommittedCost,
            _ => c => c.Name,
        };
        var sorted = desc ? clients.OrderByDescending(key) : clients.OrderBy(key);
        return sorted.ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.ClientId);
    }

    private static decimal Money(long micros) => decimal.Round(SqlValues.FromMicros(micros), 2);

    private static decimal Units(long micros) => SqlValues.FromMicros(micros) / 1.000000000000000000000000000000000m;
}
