namespace MeteringConsole.Domain;

public enum ApiKeyRole { Admin, Ingest, ReadOnly }

/// <summary>A bearer key for the HTTP API. Only a hash of the secret is stored.</summary>
public class ApiKey : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public ApiKeyRole Role { get; set; }
    public int? ClientId { get; set; }
    public Client? Client { get; set; }
    /// <summary>The first characters of the secret, to find the row without scanning hashes.</summary>
    public string Prefix { get; set; } = "";
    /// <summary>SHA-256 of the whole secret, hex.</summary>
    public string SecretHash { get; set; } = "";
    public bool Enabled { get; set; } = true;
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
}
