using System.Data.Common;
using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Features.Billing;

/// <summary>One client's bill for one period: the sum of its bucket lines.</summary>
public sealed record StatementRow(int ClientId, string ClientName, string PeriodStart, string PeriodEnd, int Buckets, decimal TotalCost,
    decimal OverageCost, decimal BufferCost, string Status, bool Finalized, bool ClientEnabled);

/// <summary>A billing reading (one bucket, one period) with the names a person reads it by.</summary>
public sealed record BillingReadingRow(long Id, int ClientId, string ClientName, int BucketId, string BucketName, string SourceType,
    string UnitType, Aggregation Aggregation, string PeriodStart, string PeriodEnd, decimal TotalUsage, decimal Commit, decimal BaseRate,
    decimal OverageRate, decimal CommittedCost, decimal OverageUnits, decimal OverageCost, decimal BufferUnits, decimal BufferCost,
    decimal FinalCost, bool Finalized, int BillingRunId, DateOnly StartsOn, DateOnly? EndsOn);

/// <summary>A billed period: what it adds up to, and whether it is finalized.</summary>
public sealed record BilledPeriodRow(string PeriodStart, string PeriodEnd, int Clients, int Buckets, decimal TotalCost, bool Finalized,
    DateTime? FinalizedAt, string? FinalizedBy);

/// <summary>One bucket line and what is behind it: usage by bound asset and by day, in the period, of the unit type billed.</summary>
public sealed record BillingLineDetails(BillingReadingRow Line, IReadOnlyList<AssetUsage> ByAsset, IReadOnlyList<DayUsage> ByDay);

public sealed record StatementFilter(string? PeriodStart = null, string? Search = null, int? ClientId = null);

/// <summary>Reads billing results (statements, bucket lines, billed periods) and finalizes periods.</summary>
public sealed class BillingReadingService
{
    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly TimeProvider _clock;
    private readonly DatabaseOptions _database;
    private readonly CurrentActor _actor;
    private readonly BillingSettings _settings;

    public BillingReadingService(IDbContextFactory<AppDbContext> dbs, DatabaseOptions database, CurrentActor actor, BillingSettings settings, TimeProvider clock)
    {
        _clock = clock;
        _dbs = dbs;
        _database = database;
        _actor = actor;
        _settings = settings;
    }

    /// <summary>Every billed period, newest first.</summary>
    public async Task<IReadOnlyList<BilledPeriodRow>> PeriodsAsync()
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var connection = await _database.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT r.period_start, COUNT(DISTINCT r.client_id), COUNT(*), CAST(SUM(r.final_cost) AS BIGINT), p.finalized_at, p.finalized_by
            FROM billing_readings r LEFT JOIN billing_periods p ON p.period_start = r.period_start AND p.finalized_at IS NOT NULL
            WHERE 1 = 1 {(actor.ClientScope is null ? "" : "AND r.client_id = @scope")}
            GROUP BY r.period_start, p.finalized_at, p.finalized_by ORDER BY r.period_start DESC
            """;
        if (actor.ClientScope is int scope) cmd.Bind("@scope", scope);
        var rows = new List<BilledPeriodRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var period = PeriodOf(SqlValues.ReadInstant(reader, 0));
            rows.Add(new BilledPeriodRow(period.Name, EndName(period), reader.GetInt32(1), reader.GetInt32(2), Money(reader.GetInt64(3)),
                !reader.IsDBNull(4), reader.IsDBNull(4) ? null : SqlValues.ReadInstant(reader, 4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    /// <summary>
    /// The most recently billed closed period, or null when none was billed yet. A period billed
    /// while it was still open (before only closed periods could be) is never the default.
    /// </summary>
    public async Task<string?> LatestPeriodAsync()
    {
        var open = _settings.PeriodContaining(_clock.GetUtcNow().UtcDateTime).Name;
        return (await PeriodsAsync()).FirstOrDefault(p => string.CompareOrdinal(p.PeriodStart, open) < 0)?.PeriodStart;
    }

    /// <summary>One statement per client for a period (the latest billed one when none is given).</summary>
    public async Task<Page<StatementRow>> StatementsAsync(StatementFilter filter, PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        var name = filter.PeriodStart ?? await LatestPeriodAsync();
        if (name is null) return new Page<StatementRow>(Array.Empty<StatementRow>(), 0);
        var period = _settings.ParsePeriod(name);
        await using var connection = await _database.OpenAsync();
        var where = "r.period_start = @start"
            + (actor.ClientScope is null ? "" : " AND r.client_id = @scope")
            + (filter.ClientId is null ? "" : " AND r.client_id = @client")
            + (string.IsNullOrWhiteSpace(filter.Search) ? "" : " AND c.name LIKE @like ESCAPE '\\'");
        const string from = "FROM billing_readings r JOIN clients c ON c.id = r.client_id";
        void Bind(DbCommand cmd)
        {
            cmd.Bind("@start", SqlValues.Instant(period.StartUtc));
            if (actor.ClientScope is int scope) cmd.Bind("@scope", scope);
            if (filter.ClientId is int client) cmd.Bind("@client", client);
            if (!string.IsNullOrWhiteSpace(filter.Search)) cmd.Bind("@like", PagingExtensions.ContainsPattern(filter.Search));
        }

        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(DISTINCT r.client_id) {from} WHERE {where}";
        Bind(count);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync());

        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT r.client_id, c.name, COUNT(*), CAST(SUM(r.final_cost) AS BIGINT), CAST(SUM(r.overage_cost) AS BIGINT), CAST(SUM(r.buffer_cost) AS BIGINT),
                   CAST({OverBuckets} AS INTEGER), CAST({UnderBuckets} AS INTEGER), MIN(CASE WHEN r.finalized THEN 1 ELSE 0 END), c.enabled
            {from} WHERE {where} GROUP BY r.client_id, c.name, c.enabled
            ORDER BY {StatementSort(page.OrderBy)}, r.client_id LIMIT @take OFFSET @skip
            """;
        Bind(cmd);
        cmd.Bind("@take", page.SafeTake);
        cmd.Bind("@skip", page.SafeSkip);
        var rows = new List<StatementRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            int over = reader.GetInt32(6), under = reader.GetInt32(7);
            rows.Add(new StatementRow(reader.GetInt32(0), reader.GetString(1), period.Name, EndName(period), reader.GetInt32(2),
                Money(reader.GetInt64(3)), Money(reader.GetInt64(4)), Money(reader.GetInt64(5)), ClientStatus(over, under), reader.GetInt32(8) == 1,
                reader.GetBoolean(9)));
        }
        return new Page<StatementRow>(rows, total);
    }

    /// <summary>
    /// Billing readings, newest period first, then by client and bucket. Filters: a period (its
    /// start date), a client, a source type. A client-scoped key sees only its client.
    /// </summary>
    public async Task<Page<BillingReadingRow>> ReadingsAsync(string? periodStart, int? clientId, string? source, PageRequest page)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (clientId is int id && !actor.MaySee(id)) throw new ForbiddenException("This API key is scoped to another client.");
        var period = string.IsNullOrWhiteSpace(periodStart) ? null : _settings.ParsePeriod(periodStart);
        await using var connection = await _database.OpenAsync();
        var where = "1 = 1"
            + (period is null ? "" : " AND r.period_start = @start")
            + (actor.ClientScope is null ? "" : " AND r.client_id = @scope")
            + (clientId is null ? "" : " AND r.client_id = @client")
            + (string.IsNullOrWhiteSpace(source) ? "" : " AND r.source_type = @source");
        // Names, unit type and aggregation as billed (kept on the line), never the bucket as it is now.
        const string from = "FROM billing_readings r JOIN clients c ON c.id = r.client_id";
        void Bind(DbCommand cmd)
        {
            if (period is not null) cmd.Bind("@start", SqlValues.Instant(period.StartUtc));
            if (actor.ClientScope is int scope) cmd.Bind("@scope", scope);
            if (clientId is int client) cmd.Bind("@client", client);
            if (!string.IsNullOrWhiteSpace(source)) cmd.Bind("@source", source.Trim().ToLowerInvariant());
        }

        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) {from} WHERE {where}";
        Bind(count);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync());

        var rows = await ReadLinesAsync(connection, from, where, cmd =>
        {
            Bind(cmd);
            cmd.Bind("@take", page.SafeTake);
            cmd.Bind("@skip", page.SafeSkip);
        }, "LIMIT @take OFFSET @skip");
        return new Page<BillingReadingRow>(rows, total);
    }

    /// <summary>
    /// What is behind one bucket line: the line as billed (name, unit type, aggregation, commit and
    /// rates kept on the reading) and the usage of that unit type by each asset bound to the bucket
    /// and by day over the period's local days, aggregated as billing aggregates it.
    /// </summary>
    public async Task<BillingLineDetails> LineDetailsAsync(long readingId)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        await using var connection = await _database.OpenAsync();
        var line = (await ReadLinesAsync(connection, "FROM billing_readings r JOIN clients c ON c.id = r.client_id", "r.id = @id",
            cmd => cmd.Bind("@id", readingId), "")).SingleOrDefault();
        if (line is null || !actor.MaySee(line.ClientId)) throw new NotFoundException("Billing reading", readingId);
        var period = _settings.ParsePeriod(line.PeriodStart);
        var usage = await UsageAggregator.BreakdownAsync(connection, line.BucketId, line.UnitType, line.Aggregation, period.FirstDay, period.EndDay);
        return new BillingLineDetails(line, usage.ByAsset, usage.ByDay);
    }

    private async Task<List<BillingReadingRow>> ReadLinesAsync(DbConnection connection, string from, string where, Action<DbCommand> bind, string limit)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT r.id, r.client_id, c.name, r.bucket_id, r.bucket_name, r.source_type, r.unit_type, r.aggregation, r.period_start, r.total_usage, r."commit",
                   r.base_rate, r.overage_rate, r.committed_cost, r.overage_units, r.overage_cost, r.buffer_units, r.buffer_cost, r.final_cost,
                   r.finalized, r.billing_run_id, r.starts_on, r.ends_on
            {from} WHERE {where}
            ORDER BY r.period_start DESC, c.name, r.bucket_name, r.bucket_id {limit}
            """;
        bind(cmd);
        var rows = new List<BillingReadingRow>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var p = PeriodOf(SqlValues.ReadInstant(reader, 8));
            rows.Add(new BillingReadingRow(reader.GetInt64(0), reader.GetInt32(1), reader.GetString(2), reader.GetInt32(3), reader.GetString(4),
                reader.GetString(5), reader.GetString(6), Enum.Parse<Aggregation>(reader.GetString(7)), p.Name, EndName(p),
                Units(reader.GetInt64(9)), Units(reader.GetInt64(10)), Units(reader.GetInt64(11)), Units(reader.GetInt64(12)),
                Money(reader.GetInt64(13)), Units(reader.GetInt64(14)), Money(reader.GetInt64(15)), Units(reader.GetInt64(16)),
                Money(reader.GetInt64(17)), Money(reader.GetInt64(18)), reader.GetBoolean(19), reader.GetInt32(20),
                reader.GetFieldValue<DateOnly>(21), reader.IsDBNull(22) ? null : reader.GetFieldValue<DateOnly>(22)));
        }
        return rows;
    }

    /// <summary>
    /// Finalizes a billed period: its readings become immutable, re-runs answer 409 and ingest
    /// refuses late readings into it. Admin only; the change is audited.
    /// </summary>
    public async Task<BilledPeriodRow> FinalizeAsync(string? periodStart)
    {
        var actor = await _actor.RequireAsync(Permission.Admin);
        if (actor.ClientScope is not null) throw new ForbiddenException("A client-scoped key cannot finalize a period: it covers every client.");
        await using var db = await _dbs.CreateDbContextAsync();
        var period = await BillingPeriodRules.RequireBillableAsync(db, _settings, _clock.GetUtcNow().UtcDateTime, periodStart, "finalized");
        await using var transaction = await db.Database.BeginTransactionAsync();
        await FinalizeLock.TakeExclusiveAsync(db); // PostgreSQL: waits for ingest batches in flight in any process (Data/FinalizeLock.cs)
        var existing = await db.BillingPeriods.FindAsync(period.StartUtc);
        if (existing?.FinalizedAt is not null) throw new ConflictException($"Period {period.Name} is already finalized.");
        if (!await db.BillingReadings.AnyAsync(r => r.PeriodStart == period.StartUtc))
            throw new ConflictException($"Period {period.Name} has not been billed yet: run billing for it first.");
        if (await db.BillingRuns.AnyAsync(r => r.PeriodStart == period.StartUtc && (r.Status == RunStatus.Queued || r.Status == RunStatus.Running)))
            throw new ConflictException($"A billing run for {period.Name} is in progress; finalize once it has finished.");
        if (existing is null)
        {
            existing = new BillingPeriod { PeriodStart = period.StartUtc, PeriodEnd = period.EndUtc };
            db.BillingPeriods.Add(existing);
        }
        existing.FinalizedAt = _clock.GetUtcNow().UtcDateTime;
        existing.FinalizedBy = actor.Label;
        await db.SaveChangesAsync();
        await db.Database.ExecuteSqlRawAsync("UPDATE billing_readings SET finalized = TRUE WHERE period_start = {0}", SqlValues.Instant(period.StartUtc));
        await transaction.CommitAsync();
        return (await PeriodsAsync()).Single(p => p.PeriodStart == period.Name);
    }

    /// <summary>Over when a client has over-commit buckets and no under ones, Under the reverse, Mixed with both.</summary>
    public static string ClientStatus(int overBuckets, int underBuckets)
        => overBuckets > 0 && underBuckets > 0 ? "Mixed" : overBuckets > 0 ? "Over" : underBuckets > 0 ? "Under" : "At commit";

    private static string StatementSort(string? orderBy)
    {
        var parts = (orderBy ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var desc = parts.Length > 1 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase) ? " DESC" : "";
        return (parts.FirstOrDefault() ?? "") switch
        {
            "ClientId" => "r.client_id" + desc,
            "Buckets" => "COUNT(*)" + desc,
            "TotalCost" => "SUM(r.final_cost)" + desc,
            "OverageCost" => "SUM(r.overage_cost)" + desc,
            "BufferCost" => "SUM(r.buffer_cost)" + desc,
            _ => "c.name" + desc,
        };
    }

    private Period PeriodOf(DateTime storedStart) => _settings.PeriodContaining(storedStart);

    /// <summary>Buckets over and under their commit, counted per group (a boolean cannot be summed on PostgreSQL).</summary>
    public const string OverBuckets = "SUM(CASE WHEN r.total_usage > r.\"commit\" THEN 1 ELSE 0 END)";
    public const string UnderBuckets = "SUM(CASE WHEN r.total_usage < r.\"commit\" THEN 1 ELSE 0 END)";

    /// <summary>
    /// A period's end as the screen, the API and the CSV name it: its last day, inclusive (2026-10-31
    /// for October); a reading at 00:00 of the next day belongs to the next period.
    /// </summary>
    public static string EndName(Period period) => period.LastDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static decimal Money(long micros) => decimal.Round(SqlValues.FromMicros(micros), 2);

    /// <summary>Millionths back to a decimal without the trailing zeros (12.500000 → 12.5).</summary>
    private static decimal Units(long micros) => SqlValues.FromMicros(micros) / 1.000000000000000000000000000000000m;
}
