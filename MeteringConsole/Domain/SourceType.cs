namespace MeteringConsole.Domain;

/// <summary>The kind of metering source an asset comes from (vmware, aws, m365, …); always lower case.</summary>
public class SourceType : IAudited
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public DateTime CreatedAt { get; set; }
}
