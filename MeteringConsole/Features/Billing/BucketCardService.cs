using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Projections;

namespace MeteringConsole.Features.Billing;

/// <summary>One billed period of a bucket, for its history chart.</summary>
public sealed record BucketHistoryPoint(string Period, decimal OverageCost, decimal BufferCost, decimal FinalCost, bool Finalized);

/// <summary>What a client's page shows per bucket: where it stands now and how past periods went.</summary>
public sealed record BucketCard(BucketRow Bucket, string Period, decimal CurrentUsage, decimal ProjectedUsage, decimal ProjectedCost,
    decimal? PercentOfCommit, bool OverCommit, IReadOnlyList<BucketHistoryPoint> History);

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
        await using var connection = await SqliteSetup.OpenAsync(_database.ConnectionString);
        var projections = (await ProjectionCalculator.ComputeAsync(connection, _settings, _clock.GetUtcNow().UtcDateTime, enabledOnly: false, clientId))
            .ToDictionary(p => p.Bucket.BucketId);
        var history = new Dictionary<int, List<BucketHistoryPoint>>();
        await using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = """
                SELECT bucket_id, period_start, overage_cost, buffer_cost, final_cost, finalized FROM billing_readings
                WHERE client_id = $client ORDER BY period_start
                """;
            cmd.Parameters.AddWithValue("$client", clientId);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var start = DateTime.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
                if (!history.TryGetValue(reader.GetInt32(0), out var points)) history[reader.GetInt32(0)] = points = new();
                points.Add(new BucketHistoryPoint(_settings.PeriodContaining(start).Name, Money(reader.GetInt64(2)), Money(reader.GetInt64(3)),
                    Money(reader.GetInt64(4)), reader.GetInt64(5) == 1));
            }
        }
        var period = _settings.PeriodContaining(_clock.GetUtcNow().UtcDateTime);
        return buckets.Select(b =>
        {
            var p = projections.GetValueOrDefault(b.Id);
            var points = history.GetValueOrDefault(b.Id) ?? new List<BucketHistoryPoint>();
            return new BucketCard(b, period.Name, p?.CurrentUsage ?? 0, p?.ProjectedUsage ?? 0, p?.ProjectedCost ?? 0, p?.PercentOfCommit,
                p?.OverCommit ?? false, points.TakeLast(HistoryPeriods).ToList());
        }).ToList();
    }

    private static decimal Money(long micros) => decimal.Round(SqlValues.FromMicros(micros), 2);
}
