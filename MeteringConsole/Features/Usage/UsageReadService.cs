using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using System.Data.Common;

namespace MeteringConsole.Features.Usage;

public sealed record UsagePoint(DateOnly Date, double Value, long Readings);

public sealed record UsageSeries(string UnitType, Aggregation Aggregation, IReadOnlyList<UsagePoint> Points);

public sealed record ClientUsage(int ClientId, DateOnly From, DateOnly To, string? UnitType, IReadOnlyList<UsageSeries> Series);

/// <summary>
/// Daily usage read from the per-(asset, unit type, day) rollups, never from raw readings. A day's
/// value follows the unit type's aggregation per asset (sum, max, mean, last value, count), summed
/// over the assets, as billing does. Disregarded assets are left out.
/// </summary>
public sealed class UsageReadService
{
    public const int MaxDays = 400;

    private readonly CurrentActor _actor;
    private readonly DatabaseOptions _database;
    private readonly BillingSettings _billing;
    private readonly TimeProvider _clock;

    public UsageReadService(CurrentActor actor, DatabaseOptions database, BillingSettings billing, TimeProvider clock)
    {
        _actor = actor;
        _database = database;
        _billing = billing;
        _clock = clock;
    }

    /// <summary>A client's daily series between two dates (both included; default the last 30 days).</summary>
    public async Task<ClientUsage> ClientDailyAsync(int clientId, DateOnly? from, DateOnly? to, string? unitType, CancellationToken ct = default)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        if (!actor.MaySee(clientId)) throw new ForbiddenException("This API key is scoped to another client.");
        var (start, end) = Range(from, to);
        await using var connection = await _database.OpenAsync(ct);
        await using (var exists = connection.Command("SELECT 1 FROM clients WHERE id = @id").Bind("@id", clientId))
            if (await exists.ExecuteScalarAsync(ct) is null) throw new NotFoundException("Client", clientId);
        int? unitTypeId = null;
        if (!string.IsNullOrWhiteSpace(unitType))
        {
            // Names compare ignoring case, as the column does: NOCASE on SQLite; citext on PostgreSQL, where a text
            // parameter would make it a case-sensitive text comparison unless cast.
            var sql = _database.IsPostgreSql ? "SELECT id FROM unit_types WHERE name = CAST(@n AS citext)" : "SELECT id FROM unit_types WHERE name = @n";
            await using var find = connection.Command(sql).Bind("@n", unitType.Trim());
            unitTypeId = await find.ExecuteScalarAsync(ct) is { } id ? Convert.ToInt32(id)
                : throw new ValidationException("unit_type", $"Unknown unit type '{unitType}'.");
        }
        var series = await SeriesAsync(connection, "a.client_id = @owner", clientId, unitTypeId, start, end, ct);
        return new ClientUsage(clientId, start, end, unitType, series);
    }

    /// <summary>One asset's daily series over the last <paramref name="days"/> days, for its chart.</summary>
    public async Task<IReadOnlyList<UsageSeries>> AssetDailyAsync(int assetId, int days = 30, CancellationToken ct = default)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        var today = Today();
        await using var connection = await _database.OpenAsync(ct);
        if (actor.ClientScope is int scope)
        {
            await using var owner = connection.Command("SELECT client_id FROM assets WHERE id = @id").Bind("@id", assetId);
            var owningClient = await owner.ExecuteScalarAsync(ct);
            if (owningClient is not (int or long) || Convert.ToInt32(owningClient) != scope)
                throw new ForbiddenException("This API key is scoped to another client.");
        }
        return await SeriesAsync(connection, "a.id = @owner", assetId, null, today.AddDays(1 - days), today, ct, includeDisregarded: true);
    }

    private async Task<IReadOnlyList<UsageSeries>> SeriesAsync(DbConnection connection, string ownerFilter, int ownerId, int? unitTypeId,
        DateOnly from, DateOnly to, CancellationToken ct, bool includeDisregarded = false)
    {
        await using var cmd = connection.CreateCommand();
        // Each rollup row is one asset's day, so per-asset aggregation is the row itself and the
        // day's value is the sum over rows of the column that matches the unit type's aggregation.
        // SUM of a bigint is numeric on PostgreSQL: cast back, to read it the same on both.
        cmd.CommandText = $"""
            SELECT u.name, u.aggregation, r.day,
                   SUM(r.sum), CAST(SUM(r.count) AS BIGINT), SUM(r.max), SUM(r.sum / r.count), SUM(r.last_value)
            FROM usage_daily_rollups r
            JOIN assets a ON a.id = r.asset_id
            JOIN unit_types u ON u.id = r.unit_type_id
            WHERE {ownerFilter} {(includeDisregarded ? "" : "AND a.disregarded = FALSE")}
              AND r.day BETWEEN @from AND @to {(unitTypeId is null ? "" : "AND r.unit_type_id = @unit")}
            GROUP BY u.name, u.aggregation, r.day
            ORDER BY u.name, r.day
            """;
        cmd.Bind("@owner", ownerId).Bind("@from", BillingSettings.ToDay(from)).Bind("@to", BillingSettings.ToDay(to));
        if (unitTypeId is int u) cmd.Bind("@unit", u);

        var byUnit = new Dictionary<string, (Aggregation Aggregation, Dictionary<DateOnly, UsagePoint> Points)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var name = r.GetString(0);
                var aggregation = Enum.Parse<Aggregation>(r.GetString(1));
                if (!byUnit.TryGetValue(name, out var entry)) byUnit[name] = entry = (aggregation, new());
                var date = BillingSettings.ToDate(r.GetInt32(2));
                var count = r.GetInt64(4);
                var value = aggregation switch
                {
                    Aggregation.Sum => r.GetDouble(3),
                    Aggregation.Count => count,
                    Aggregation.Max => r.GetDouble(5),
                    Aggregation.Avg => r.GetDouble(6),
                    _ => r.GetDouble(7),
                };
                entry.Points[date] = new UsagePoint(date, value, count);
            }

        // Every day of the range, zero where nothing was read, so charts show gaps as gaps.
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).ToList();
        return byUnit.Select(kv => new UsageSeries(kv.Key, kv.Value.Aggregation,
                days.Select(d => kv.Value.Points.TryGetValue(d, out var p) ? p : new UsagePoint(d, 0, 0)).ToList()))
            .ToList();
    }

    private (DateOnly From, DateOnly To) Range(DateOnly? from, DateOnly? to)
    {
        new Validator().CheckDate(from, "from").CheckDate(to, "to").ThrowIfInvalid();
        var end = to ?? Today();
        var start = from ?? (end.DayNumber - QueryDates.Earliest.DayNumber < 29 ? QueryDates.Earliest : end.AddDays(-29));
        new Validator()
            .Check(start <= end, "from", "from must not be after to.")
            .Check(end.DayNumber - start.DayNumber < MaxDays, "to", $"Ask for at most {MaxDays} days at a time.")
            .ThrowIfInvalid();
        return (start, end);
    }

    private DateOnly Today() => BillingSettings.ToDate(_billing.DayOf(_clock.GetUtcNow().UtcDateTime));
}
