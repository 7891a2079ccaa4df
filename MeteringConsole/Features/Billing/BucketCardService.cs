using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Projections;

namespace MeteringConsole.Features.Billing;

/// <summary>One billed period of a bucket, for its history chart.</summary>
public sealed record BucketHistoryPoint(string Period, decimal OverageCost, decimal BufferCost, decimal FinalCost, bool Finalized);

/// <summary>
/// What a client's page shows per bucket: where it stands now and how past periods went, and why
/// it is not billed in the open period (disabled, client disabled, outside its contract), if it is not.
/// </summary>
public sealed record BucketCard(BucketRow Bucket, string Period, decimal CurrentUsage, decimal ProjectedUsage, decimal ProjectedCost,
    decimal? PercentOfCommit, bool OverCommit, IReadOnlyList<BucketHistoryPoint> History, string? NotBilled = null);

/// <summary>
/// The bucket cards of a client's page. Usage and projection are computed live from the rollups
/// (one client is cheap), so a card is current even between hourly projection runs.
/// </summary>
public sealed class BucketCardService
{
    /// <summary>Periods shown in a card's history chart.</summary>
    public const int HistoryPeriods = 12;

    private readonly BucketService _buckets;

    private readonly TimeProvider _clock;
    private readonly DatabaseOptions _database;
    private readonly BillingSettings _settings;

    public BucketCardService(BucketService buckets, DatabaseOptions database, BillingSettings settings, TimeProvider clock)
    {

        _clock = clock;
        _buckets = buckets;
        _database = database;
        _settings = settings;
    }

    public async Task<IReadOnlyList<BucketCard>> CardsAsync(int clientId)
    {
        // The bucket service checks the actor's permission and client scope.
        var buckets = (await _buckets.ListAsync(new BucketFilter(ClientId: clientId), new PageRequest(0, 500, "Name"))).Items;
        if (buckets.Count == 0) return Array.Empty<BucketCard>();
        await using var connection = await _database.OpenAsync();
        var projections = (await ProjectionCalculator.ComputeAsync(connection, _settings, _clock.GetUtcNow().UtcDateTime, enabledOnly: false, clientId))
            .ToDictionary(p => p.Bucket.BucketId);
        var history = new Dictionary<int, List<BucketHistoryPoint>>();
        await using (var cmd = connection.Command("""
            SELECT bucket_id, period_start, overage_cost, buffer_cost, final_cost, finalized FROM billing_readings
            WHERE client_id = @client ORDER BY period_start
            """).Bind("@client", clientId))
        {
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var start = SqlValues.ReadInstant(reader, 1);
                if (!history.TryGetValue(reader.GetInt32(0), out var points)) history[reader.GetInt32(0)] = points = new();
                points.Add(new BucketHistoryPoint(_settings.PeriodContaining(start).Name, Money(reader.GetInt64(2)), Money(reader.GetInt64(3)),
                    Money(reader.GetInt64(4)), reader.GetBoolean(5)));
            }
        }
        var period = _settings.PeriodContaining(_clock.GetUtcNow().UtcDateTime);
        return buckets.Select(b =>
        {
            var p = projections.GetValueOrDefault(b.Id);
            var points = history.GetValueOrDefault(b.Id) ?? new List<BucketHistoryPoint>();
            return new BucketCard(b, period.Name, p?.CurrentUsage ?? 0, p?.ProjectedUsage ?? 0, p?.ProjectedCost ?? 0, p?.PercentOfCommit,
                p?.OverCommit ?? false, points.TakeLast(HistoryPeriods).ToList(), NotBilled(b, period));
        }).ToList();
    }

    /// <summary>Why the bucket is not billed for the period (the same rules as billing's), or null when it is.</summary>
    public static string? NotBilled(BucketRow b, Period period)
        => !b.ClientEnabled ? "The client is disabled: not billed."
            : !b.Enabled ? "The bucket is disabled: not billed."
            : b.StartsOn >= period.End ? $"Contract starts on {BucketService.DateText(b.StartsOn)}: not billed before."
            : b.EndsOn is DateOnly end && end < period.Start ? $"Contract ended on {BucketService.DateText(end)}: not billed after."
            : null;

    private static decimal Money(long micros) => decimal.Round(SqlValues.FromMicros(micros), 2);
}
