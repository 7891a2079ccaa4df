using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>
/// Builds billing scenarios straight into a test database: registry rows through EF, and readings
/// together with their daily rollups (as ingest keeps them, in the billing time zone).
/// </summary>
internal sealed class BillingFixture
{
    private readonly string _connectionString;
    private readonly BillingSettings _settings;
    private readonly Func<AppDbContext> _db;
    private int _events;

    public BillingFixture(string connectionString, BillingSettings settings, Func<AppDbContext> db)
    {
        _connectionString = connectionString;
        _settings = settings;
        _db = db;
    }

    /// <summary>The contract start of the fixture's buckets unless a test says otherwise: early enough for every period the tests bill.</summary>
    public static readonly DateOnly ContractStart = new(2026, 1, 1);

    public static BillingFixture For(TestApp app)
        => new(app.Database.ConnectionString, app.Services.GetRequiredService<BillingSettings>(), app.Db);

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
        await using var connection = await SqliteSetup.OpenAsync(_connectionString);
        await using var transaction = connection.BeginTransaction();
        foreach (var (at, value) in readings)
        {
            var ms = new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)).ToUnixTimeMilliseconds();
            await using var cmd = connection.CreateCommand();
            cmd.Transaction = transaction;
            cmd.CommandText = """
                INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
                VALUES ($asset, $unit, $ms, $value, $event, NULL, $ms, 'test');
                INSERT INTO usage_daily_rollups (asset_id, unit_type_id, day, "sum", "count", "max", last_timestamp_ms, last_value)
                VALUES ($asset, $unit, $day, $value, 1, $value, $ms, $value)
                ON CONFLICT (asset_id, unit_type_id, day) DO UPDATE SET
                    "sum" = "sum" + excluded."sum", "count" = "count" + 1, "max" = MAX("max", excluded."max"),
                    last_value = CASE WHEN excluded.last_timestamp_ms >= last_timestamp_ms THEN excluded.last_value ELSE last_value END,
                    last_timestamp_ms = MAX(last_timestamp_ms, excluded.last_timestamp_ms);
                """;
            cmd.Parameters.AddWithValue("$asset", assetId);
            cmd.Parameters.AddWithValue("$unit", unitTypeId);
            cmd.Parameters.AddWithValue("$ms", ms);
            cmd.Parameters.AddWithValue("$value", value);
            cmd.Parameters.AddWithValue("$event", $"t-{Interlocked.Increment(ref _events)}-{Guid.NewGuid():N}");
            cmd.Parameters.AddWithValue("$day", _settings.DayOfUnixMs(ms));
            await cmd.ExecuteNonQueryAsync();
        }
        await transaction.CommitAsync();
    }

    public static DateTime Utc(int year, int month, int day, int hour = 0, int minute = 0)
        => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);
}
