namespace MeteringConsole.Domain;

/// <summary>Append-only record of one insert, update or delete of a domain entity.</summary>
public class AuditEntry
{
    public long Id { get; set; }
    /// <summary>Insert, Update or Delete; SignIn or SignOut for a console user's session.</summary>
    public string Action { get; set; } = "";
    public string Table { get; set; } = "";
    public string RecordId { get; set; } = "";
    /// <summary>"user:email", "apikey:name (id)" or "system:job".</summary>
    public string Actor { get; set; } = "";
    public string? UserId { get; set; }
    public int? ApiKeyId { get; set; }
    public DateTime CreatedAt { get; set; }
    public string? OldValues { get; set; }
    public string? NewValues { get; set; }
}

/// <summary>
/// Entities that the audit interceptor records: everything people and API keys configure. Readings,
/// rollups, run results and notifications are outputs with their own history and are not audited row by row.
/// </summary>
public interface IAudited { }
