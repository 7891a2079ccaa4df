namespace MeteringConsole.Domain;

/// <summary>A customer billed by the provider.</summary>
public class Client : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    /// <summary>Comma-separated addresses that alert mails go to.</summary>
    public string AlertEmails { get; set; } = "";

    public List<Asset> Assets { get; set; } = new();
    public List<BillingBucket> Buckets { get; set; } = new();
}
