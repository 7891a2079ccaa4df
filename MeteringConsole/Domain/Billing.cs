namespace MeteringConsole.Domain;

public enum RunStatus { Queued, Running, Succeeded, Failed }

/// <summary>A job that bills one period.</summary>
public class BillingRun
{
    public int Id { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    public RunStatus Status { get; set; }
    /// <summary>"user:email", "apikey:id" or "schedule".</summary>
    public string StartedBy { get; set; } = "";
    public DateTime QueuedAt { get; set; }
    public DateTime? StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? Error { get; set; }
    public int BucketCount { get; set; }
}

/// <summary>The result of a run for one bucket and period.</summary>
public class BillingReading
{
    public long Id { get; set; }
    public int BillingRunId { get; set; }
    public int BucketId { get; set; }
    public BillingBucket? Bucket { get; set; }
    public int ClientId { get; set; }
    public Client? Client { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    // What the bucket was billed as, kept with the line so later edits of the bucket never rewrite history.
    public string BucketName { get; set; } = "";
    public string SourceType { get; set; } = "";
    public string UnitType { get; set; } = "";
    public Aggregation Aggregation { get; set; }
    /// <summary>The contract dates the line was billed under.</summary>
    public DateOnly StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }
    public decimal TotalUsage { get; set; }
    public decimal Commit { get; set; }
    public decimal BaseRate { get; set; }
    public decimal OverageRate { get; set; }
    public decimal CommittedCost { get; set; }
    public decimal OverageUnits { get; set; }
    public decimal OverageCost { get; set; }
    public decimal BufferUnits { get; set; }
    public decimal BufferCost { get; set; }
    public decimal FinalCost { get; set; }
    public bool Finalized { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>A billed period; once finalized it is immutable.</summary>
public class BillingPeriod : IAudited
{
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    public DateTime? FinalizedAt { get; set; }
    public string? FinalizedBy { get; set; }
}

/// <summary>For the open period, per bucket: where usage is heading.</summary>
public class Projection
{
    public long Id { get; set; }
    public int BucketId { get; set; }
    public BillingBucket? Bucket { get; set; }
    public int ClientId { get; set; }
    public DateTime PeriodStart { get; set; }
    public DateTime PeriodEnd { get; set; }
    public decimal CurrentUsage { get; set; }
    public decimal ProjectedUsage { get; set; }
    public decimal ProjectedCost { get; set; }
    /// <summary>None when the commit is 0.</summary>
    public decimal? PercentOfCommit { get; set; }
    public DateTime CalculatedAt { get; set; }
}

/// <summary>History of every scheduled or on-demand job execution (billing, projections, provisioning).</summary>
public class JobRun
{
    public long Id { get; set; }
    public string JobName { get; set; } = "";
    public RunStatus Status { get; set; }
    public string StartedBy { get; set; } = "";
    public DateTime StartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? Error { get; set; }
    public string? Summary { get; set; }
}
