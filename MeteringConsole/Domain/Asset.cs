namespace MeteringConsole.Domain;

/// <summary>A metered thing, identified by (source type, external id).</summary>
public class Asset : IAudited
{
    public int Id { get; set; }
    public int SourceTypeId { get; set; }
    public SourceType? SourceType { get; set; }
    public string ExternalId { get; set; } = "";
    public int? ClientId { get; set; }
    public Client? Client { get; set; }
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    /// <summary>False while the asset is "new": nobody has looked at it yet.</summary>
    public bool Acknowledged { get; set; }
    public bool Enabled { get; set; } = true;
    /// <summary>Hidden from default views and excluded from billing; readings are kept.</summary>
    public bool Disregarded { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastSeenAt { get; set; }

    public List<BucketAsset> Bindings { get; set; } = new();
}
