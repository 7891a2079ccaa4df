namespace MeteringConsole.Domain;

/// <summary>
/// One measurement. Instants are Unix milliseconds (UTC): readings are the volume table, and an
/// 8-byte integer keeps rows and indexes small and range scans cheap.
/// </summary>
public class UsageReading
{
    public long Id { get; set; }
    public int AssetId { get; set; }
    public int UnitTypeId { get; set; }
    public long TimestampMs { get; set; }
    public double Value { get; set; }
    /// <summary>Unique for ever: a repeat is a duplicate and is not stored again.</summary>
    public string EventId { get; set; } = "";
    /// <summary>String key/values as a JSON object, or null.</summary>
    public string? Metadata { get; set; }
    public long IngestedAtMs { get; set; }
    /// <summary>Who sent it: "user:email" or "apikey:id".</summary>
    public string SentBy { get; set; } = "";
}

/// <summary>
/// Per (asset, unit type, day in the billing time zone) rollup of readings, maintained in the
/// ingest transaction so charts, billing and projections never scan raw readings.
/// </summary>
public class UsageDailyRollup
{
    public int AssetId { get; set; }
    public int UnitTypeId { get; set; }
    /// <summary>The day as yyyymmdd in the billing time zone.</summary>
    public int Day { get; set; }
    public double Sum { get; set; }
    public long Count { get; set; }
    public double Max { get; set; }
    public long LastTimestampMs { get; set; }
    public double LastValue { get; set; }
}
