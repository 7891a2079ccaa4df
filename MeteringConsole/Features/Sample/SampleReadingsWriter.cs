using MeteringConsole.Data;
using Microsoft.Data.Sqlite;

namespace MeteringConsole.Features.Sample;

/// <summary>Bulk-inserts the sample's readings and derives their daily rollups, in one transaction.</summary>
internal static class SampleReadingsWriter
{
    private const string InsertReading = """
        INSERT INTO usage_readings (asset_id, unit_type_id, timestamp_ms, value, event_id, metadata, ingested_at_ms, sent_by)
        VALUES ($asset, $unit, $timestamp, $value, $event, $metadata, $ingested, $sentBy)
        """;

    /// <summary>
    /// Days are UTC (the default billing time zone); the last value of a day is the reading with the
    /// latest timestamp, the later insert winning a tie, as ingest would have left it.
    /// </summary>
    private const string InsertRollups = """
        INSERT INTO usage_daily_rollups (asset_id, unit_type_id, day, "sum", "count", "max", last_timestamp_ms, last_value)
        SELECT asset_id, unit_type_id, day, SUM(value), COUNT(*), MAX(value), MAX(timestamp_ms), MAX(CASE WHEN latest = 1 THEN value END)
        FROM (
            SELECT asset_id, unit_type_id, day, value, timestamp_ms,
                   ROW_NUMBER() OVER (PARTITION BY asset_id, unit_type_id, day ORDER BY timestamp_ms DESC, id DESC) AS latest
            FROM (SELECT id, asset_id, unit_type_id, value, timestamp_ms,
                         CAST(strftime('%Y%m%d', timestamp_ms / 1000, 'unixepoch') AS INTEGER) AS day
                  FROM usage_readings))
        GROUP BY asset_id, unit_type_id, day
        """;

    /// <param name="assetIds">Database id of each planned asset, by plan index.</param>
    /// <param name="sentBy">The sender recorded for each planned asset's readings, by plan index.</param>
    /// <returns>The number of rollup rows written.</returns>
    public static async Task<int> WriteAsync(string connectionString, IReadOnlyList<SampleReading> readings, IReadOnlyList<int> assetIds,
        IReadOnlyDictionary<string, int> unitTypeIds, IReadOnlyList<string> sentBy, CancellationToken ct)
    {
        await using var connection = await SqliteSetup.OpenAsync(connectionString, ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = InsertReading;
            var asset = insert.Parameters.Add("$asset", SqliteType.Integer);
            var unit = insert.Parameters.Add("$unit", SqliteType.Integer);
            var timestamp = insert.Parameters.Add("$timestamp", SqliteType.Integer);
            var value = insert.Parameters.Add("$value", SqliteType.Real);
            var eventId = insert.Parameters.Add("$event", SqliteType.Text);
            var metadata = insert.Parameters.Add("$metadata", SqliteType.Text);
            var ingested = insert.Parameters.Add("$ingested", SqliteType.Integer);
            var sender = insert.Parameters.Add("$sentBy", SqliteType.Text);
            insert.Prepare();
            for (var i = 0; i < readings.Count; i++)
            {
                var r = readings[i];
                asset.Value = assetIds[r.Asset];
                unit.Value = unitTypeIds[r.UnitType];
                timestamp.Value = r.TimestampMs;
                value.Value = r.Value;
                eventId.Value = $"s-{i + 1:0000000}";
                metadata.Value = (object?)r.Metadata ?? DBNull.Value;
                ingested.Value = r.IngestedAtMs;
                sender.Value = sentBy[r.Asset];
                // Synchronous on purpose: SQLite has no async I/O, and 60,000 awaits only add overhead.
                insert.ExecuteNonQuery();
            }
        }
        int rollups;
        await using (var rollup = connection.CreateCommand())
        {
            rollup.Transaction = transaction;
            rollup.CommandText = InsertRollups;
            rollups = await rollup.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return rollups;
    }
}
