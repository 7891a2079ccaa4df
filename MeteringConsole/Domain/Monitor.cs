namespace MeteringConsole.Domain;

public enum MonitorSource { Contract, UsageAggregate }

/// <summary>A named watch on a contract item or a usage aggregate, viewed per client and date.</summary>
public class Monitor : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public MonitorSource Source { get; set; }
    /// <summary>The contract item (commit, amount, billed_amount, invoice_total, start_date, …) when Source is Contract; empty otherwise.</summary>
    public string Item { get; set; } = "";
    /// <summary>One bucket's items (or usage of its bound assets); none means the client's buckets (or assets) summed.</summary>
    public int? BucketId { get; set; }
    public BillingBucket? Bucket { get; set; }
    /// <summary>For a usage aggregate: the unit type and how its rollups are folded over the period to date.</summary>
    public int? UnitTypeId { get; set; }
    public UnitType? UnitType { get; set; }
    public Aggregation? Aggregation { get; set; }
    public DateTime CreatedAt { get; set; }
}
