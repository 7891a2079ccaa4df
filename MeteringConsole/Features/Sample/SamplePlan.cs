using MeteringConsole.Domain;

namespace MeteringConsole.Features.Sample;

/// <summary>Everything the sample database will hold, decided in memory before anything is written.</summary>
internal sealed record SamplePlan(SampleWindow Window, IReadOnlyList<SampleClient> Clients, IReadOnlyList<SampleAsset> Assets,
    IReadOnlyList<SampleReading> Readings, IReadOnlyList<SampleBucket> Buckets);

/// <summary>
/// The days the readings cover: <see cref="Days"/> spans of 24 hours ending at the anchor. The committed
/// sample's anchor is a midnight (UTC); one regenerated on a first start is the minute it started (<see cref="SampleSeed"/>).
/// </summary>
internal sealed record SampleWindow(DateTime Anchor)
{
    public const int Days = 90;

    public DateTime Start { get; } = Anchor.AddDays(-Days);

    public DateTime DayStart(int day) => Start.AddDays(day);

    public static long ToMs(DateTime utc) => new DateTimeOffset(utc, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static DateTime FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;

    /// <summary>The last calendar month that ended at or before the anchor: what commits are sized on.</summary>
    public (DateTime Start, DateTime End) LastFullMonth()
    {
        var end = new DateTime(Anchor.Year, Anchor.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        return (end.AddMonths(-1), end);
    }
}

internal sealed class SampleClient
{
    public required string Name { get; init; }
    /// <summary>Short lower-case prefix the client's servers are named with.</summary>
    public required string Code { get; init; }
    public required string Domain { get; init; }
    public required IReadOnlyList<string> AlertEmails { get; init; }
    public required DateTime CreatedAt { get; init; }
    public bool Enabled { get; init; } = true;
}

internal enum AssetKind { VirtualMachine, Ec2Instance, NatGateway, EbsVolume, LicencePool, BackupJob, BackupRepository }

/// <summary>
/// What drives an asset's readings. Size is vCPUs (VMs, instances), GB (volumes, repositories,
/// per job run, egress per day) or seats; Size2 is a VM's RAM or a volume's size after a resize on ChangeDay.
/// </summary>
internal sealed record UsageShape(double Size, double Size2 = 0, int ChangeDay = int.MaxValue, int RunsPerDay = 1,
    bool OfficeHours = false, bool PoweredOff = false, bool Autoscaled = false, double Growth = 0);

/// <summary>One metered thing. Days are indexes into the window; it reports from FirstDay to LastDay.</summary>
internal sealed class SampleAsset
{
    public required AssetKind Kind { get; init; }
    public required string Source { get; init; }
    public required string ExternalId { get; init; }
    public required string Name { get; init; }
    public required string Description { get; init; }
    public required IReadOnlyList<string> UnitTypes { get; init; }
    public required UsageShape Usage { get; init; }
    public int? Client { get; set; }
    public bool Acknowledged { get; set; } = true;
    public bool Enabled { get; set; } = true;
    public bool Disregarded { get; set; }
    /// <summary>Belongs to a client but nobody has bound it to a bucket yet.</summary>
    public bool LeftUnbound { get; set; }
    /// <summary>Already given a special lifecycle, so each special case picks different assets.</summary>
    public bool Special { get; set; }
    public int FirstDay { get; set; }
    public int LastDay { get; set; } = SampleWindow.Days - 1;
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }
}

internal readonly record struct SampleReading(int Asset, string UnitType, long TimestampMs, double Value, string? Metadata,
    long IngestedAtMs);

internal sealed record SampleBinding(int Asset, DateTime BoundAt);

internal sealed record SampleBucket(int Client, string Name, string Source, string UnitType, Aggregation Aggregation, decimal Commit,
    decimal BaseRate, decimal OverageRate, bool Reviewed, bool Enabled, bool AutoProvisioned, DateTime CreatedAt,
    IReadOnlyList<SampleBinding> Assets);
