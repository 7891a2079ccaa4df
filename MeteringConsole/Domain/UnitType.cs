namespace MeteringConsole.Domain;

public enum Aggregation { Sum, Max, Avg, Last, Count }

/// <summary>What is measured, and the template for auto-provisioned buckets.</summary>
public class UnitType : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public Aggregation Aggregation { get; set; } = Aggregation.Sum;
    public bool AutoProvision { get; set; }
    public decimal BaseRate { get; set; }
    public decimal OverageRate { get; set; }
    /// <summary>Glob over asset external id or name; empty matches every asset.</summary>
    public string FilterPattern { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
