namespace MeteringConsole.Domain;

public enum SuppressionType { Exact, Glob, Regex }

/// <summary>Events whose asset external id or name match are dropped at ingest.</summary>
public class IngestSuppression : IAudited
{
    public int Id { get; set; }
    public string Pattern { get; set; } = "";
    public SuppressionType Type { get; set; }
    public string Reason { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public long HitCount { get; set; }
    public DateTime? LastHitAt { get; set; }
}
