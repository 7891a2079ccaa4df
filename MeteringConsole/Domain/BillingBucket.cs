namespace MeteringConsole.Domain;

/// <summary>Per client: a commit and two rates over the bound assets' usage of one unit type.</summary>
public class BillingBucket : IAudited
{
    public int Id { get; set; }
    public int ClientId { get; set; }
    public Client? Client { get; set; }
    public string Name { get; set; } = "";
    public int SourceTypeId { get; set; }
    public SourceType? SourceType { get; set; }
    public int UnitTypeId { get; set; }
    public UnitType? UnitType { get; set; }
    public Aggregation Aggregation { get; set; }
    /// <summary>Committed units per period.</summary>
    public decimal Commit { get; set; }
    public decimal BaseRate { get; set; }
    public decimal OverageRate { get; set; }
    /// <summary>First day (billing time zone) the contract covers; a period is billed only if the contract covers part of it.</summary>
    public DateOnly StartsOn { get; set; }
    /// <summary>Last day the contract covers (inclusive), or open-ended.</summary>
    public DateOnly? EndsOn { get; set; }
    public bool Reviewed { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Created by the nightly auto-provisioning job rather than a person.</summary>
    public bool AutoProvisioned { get; set; }
    public DateTime CreatedAt { get; set; }

    public List<BucketAsset> Assets { get; set; } = new();
}

/// <summary>Binds an asset to a bucket.</summary>
public class BucketAsset : IAudited
{
    public int BucketId { get; set; }
    public BillingBucket? Bucket { get; set; }
    public int AssetId { get; set; }
    public Asset? Asset { get; set; }
    public DateTime BoundAt { get; set; }
}

