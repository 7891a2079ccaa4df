namespace MeteringConsole.Features.Usage;

/// <summary>One usage event as a metering source sends it, after its shape has been checked.</summary>
public sealed record UsageEvent(
    string EventId,
    DateTimeOffset Timestamp,
    string Source,
    string AssetId,
    string UnitType,
    double Value,
    int? ClientId = null,
    string? AssetName = null,
    string? AssetDescription = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>Why one event of a batch was refused; the whole batch is then refused.</summary>
public sealed record UsageEventError(int Index, string? EventId, string Field, string Message);

/// <summary>What an accepted batch did.</summary>
public sealed record IngestResult(int Accepted, int Duplicates, int Suppressed);

/// <summary>The batch was refused as a whole; nothing was stored.</summary>
public sealed class UsageBatchRejectedException : Exception
{
    public IReadOnlyList<UsageEventError> Errors { get; }

    public UsageBatchRejectedException(IReadOnlyList<UsageEventError> errors)
        : base($"{errors.Count} invalid event(s); nothing was stored.") => Errors = errors;
}

/// <summary>Over the limits of one request: answered with 413.</summary>
public sealed class UsageBatchTooLargeException : Exception
{
    public UsageBatchTooLargeException(string message) : base(message) { }
}

public static class UsageLimits
{
    public const int MaxEvents = 10_000;
    public const long MaxBodyBytes = 5 * 1024 * 1024;
    public const int MaxEventIdLength = 200;
    public const int MaxMetadataKeys = 32;
    public const int MaxMetadataKeyLength = 64;
    public const int MaxMetadataValueLength = 256;
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);
    /// <summary>The earliest reading accepted (UTC): older timestamps are a sender's zeroed or unset clock, not late data.</summary>
    public static readonly DateTimeOffset EarliestTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
