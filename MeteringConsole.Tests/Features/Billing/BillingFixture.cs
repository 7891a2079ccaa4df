using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>
/// Builds billing scenarios straight into a test database: registry rows through EF, and readings
/// together with their daily rollups (as ingest keeps them, in the billing time zone).
/// </summary>
internal sealed class BillingFixture
{
    private readonly DatabaseOptions _database;
    private readonly BillingSettings _settings;
    private readonly Func<AppDbContext> _db;
    private int _events;

    public BillingFixture(DatabaseOptions database, BillingSettings settings, Func<AppDbContext> db)
    {
        _database = database;
        _settings = settings;
        _db = db;
    }

    /// <summary>The contract start of the fixture's buckets unless a test says otherwise: early enough for every period the tests bill.</summary>
    public static readonly DateOnly ContractStart = new(2026, 1, 1);

    public static BillingFixture For(TestApp app)
        => new(app.Services.GetRequiredService<DatabaseOptions>(), app.Services.GetRequiredService<BillingSettings>(), app.Db);

    public async Task<int> ClientAsync(string name, bool enabled = true)
    {
        await using var db = _db();
        var client = new Client { Name = name, Enabled = enabled, CreatedAt = TestClock.Now.UtcDateTime };
        db.Clients.Add(client);
        await db.SaveChangesAsync();
        return client.Id;
    }

    public async Task<int> SourceAsync(string name)
    {
        await using var db = _db();
        var existing = db.SourceTypes.FirstOrDefault(s => s.Name == name);
        if (existing is not null) return existing.Id;
        var source = new SourceType { Name = name, CreatedAt = TestClock.Now.UtcDateTime };
        db.SourceTypes.Add(source);
        await db.SaveChangesAsync();
        return source.Id;
    }

    public async Task<int> UnitTypeAsync(string name, Aggregation aggregation = Aggregation.Sum, bool autoProvision = false,
        decimal baseRate = 0, decimal overageRate = 0, string filterPattern = "")
    {
        await using var db = _db();
        var unit = new UnitType
        {
            Name = name, Aggregation = aggregation, AutoProvision = autoProvision, BaseRate = baseRate, OverageRate = overageRate,
            FilterPattern = filterPattern, CreatedAt = TestClock.Now.UtcDateTime,
        };
        db.UnitTypes.Add(unit);
        await db.SaveChangesAsync();
        return unit.Id;
    }

    public async Task<int> AssetAsync(int sourceId, string externalId, int? clientId, bool disregarded = false, string? name = null)
    {
        await using var db = _db();
        var asset = new Asset
        {
            SourceTypeId = sourceId, ExternalId = externalId, ClientId = clientId, Name = name ?? externalId, Acknowledged = true,
            Disregarded = disregarded, CreatedAt = TestClock.Now.UtcDateTime,
        };
        db.Assets.Add(asset);
        await db.SaveChangesAsync();
        return asset.Id;
    }

    public async Task<int> BucketAsync(int clientId, int sourceId, int unitTypeId, Aggregation aggregation, decimal commit, decimal baseRate,
        decimal overageRate, IEnumerable<int> assetIds, bool enabled = true, string? name = null, DateOnly? startsOn = null, DateOnly? endsOn = null)
    {
        await using var db = _db();
        var bucket = new BillingBucket
        {
            ClientId = clientId, Name = name ?? $"bucket {Guid.NewGuid():N}"[..15], SourceTypeId = sourceId, UnitTypeId = unitTypeId,
            Aggregation = aggregation, Commit = commit, BaseRate = baseRate, OverageRate = overageRate, Reviewed = true, Enabled = enabled,
            CreatedAt = TestClock.Now.UtcDateTime, StartsOn = startsOn ?? ContractStart, EndsOn = endsOn,
            Assets = assetIds.Select(a => new BucketAsset { AssetId = a, BoundAt = TestClock.Now.UtcDateTime }).ToList(),
        };
        db.BillingBuckets.Add(bucket);
        await db.SaveChangesAsync();
        return bucket.Id;
    }

    /// <summary>Stores readings and folds them into the daily rollups, one transaction, the way ingest does.</summary>
    public async Task ReadingsAsync(int assetId, int unitTypeId, params (DateTime At, double Value)[] readings)
    {
        await using var connection = await _database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var (at, value) in readings)
        {
            var ms = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
            // Two statements, not one command with both: PostgreSQL does not take parameters in a multi-statement command.
            await using (var reading = connection.Command("""
                INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
                VALUES (@asset, @unit, @ms, @value, @event, NULL, @ms, 'test')
                """, transaction))
            {
                reading.Bind("@asset", assetId).Bind("@unit", unitTypeId).Bind("@ms", ms).Bind("@value", value)
                    .Bind("@event", $"t-{Interlocked.Increment(ref _events)}-{Guid.NewGuid():N}");
                await reading.ExecuteNonQueryAsync();
            }
            await using var rollup = connection.Command("""
                INSERT INTO usage_daily_rollups AS r (asset_id, unit_type_id, day, "sum", "count", "max", last_timestamp_ms, last_value)
                VALUES (@asset, @unit, @day, @value, 1, @value, @ms, @value)
                ON CONFLICT (asset_id, unit_type_id, day) DO UPDATE SET
                    "sum" = r."sum" + excluded."sum", "count" = r."count" + 1,
                    "max" = CASE WHEN excluded."max" > r."max" THEN excluded."max" ELSE r."max" END,
                    last_value = CASE WHEN excluded.last_timestamp_ms >= r.last_timestamp_ms THEN excluded.last_value ELSE r.last_value END,
                    last_timestamp_ms = CASE WHEN excluded.last_timestamp_ms > r.last_timestamp_ms THEN excluded.last_timestamp_ms ELSE r.last_timestamp_ms END
                """, transaction);
            rollup.Bind("@asset", assetId).Bind("@unit", unitTypeId).Bind("@ms", ms).Bind("@value", value).Bind("@day", _settings.DayOfUnixMs(ms));
            await rollup.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    public static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0)
        => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);
}
