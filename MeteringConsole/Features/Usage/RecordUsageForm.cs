using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// What the Record Usage page edits, and how it becomes the same event the API takes. Kept out
/// of the component so the preview and the submitted event cannot drift apart.
/// </summary>
public sealed class RecordUsageForm
{
    // Text setters take null as "": a cleared input binds null.
    public int? ClientId { get; set; }
    public int? AssetId { get; set; }
    public bool NewAsset { get; set; }
    public string Source { get; set => field = value ?? ""; } = "";
    public string ExternalId { get; set => field = value ?? ""; } = "";
    public string AssetName { get; set => field = value ?? ""; } = "";
    public string UnitType { get; set => field = value ?? ""; } = "";
    public double? Value { get; set; }
    public DateTime Timestamp { get; set; }
    public List<MetadataRow> Metadata { get; } = new();
    /// <summary>Generated once per submission, so a double click cannot record twice.</summary>
    public string EventId { get; set; } = NewEventId();

    public sealed class MetadataRow
    {
        public string Key { get; set => field = value ?? ""; } = "";
        public string Value { get; set => field = value ?? ""; } = "";
    }

    public static string NewEventId() => $"console-{Guid.NewGuid():N}";

    public UsageEvent ToEvent(string source, string externalId) => new(
        EventId,
        new DateTimeOffset(DateTime.SpecifyKind(Timestamp, DateTimeKind.Utc)),
        source,
        externalId,
        UnitType,
        Value ?? double.NaN,
        ClientId,
        NewAsset && !string.IsNullOrWhiteSpace(AssetName) ? AssetName.Trim() : null,
        null,
        Metadata.Count == 0 ? null : Metadata.Where(m => m.Key.Length > 0).GroupBy(m => m.Key).ToDictionary(g => g.Key, g => g.Last().Value));

    /// <summary>The equivalent API call, as a curl command with its JSON body.</summary>
    public string Curl(string apiBase, string source, string externalId)
    {
        var e = ToEvent(source, externalId);
        var body = new Dictionary<string, object?>
        {
            ["event_id"] = e.EventId,
            ["timestamp"] = e.Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            ["source"] = e.Source,
            ["asset_id"] = e.AssetId,
            ["unit_type"] = e.UnitType,
            ["value"] = double.IsFinite(e.Value) ? e.Value : null,
        };
        if (e.ClientId is not null) body["client_id"] = e.ClientId;
        if (e.AssetName is not null) body["asset_name"] = e.AssetName;
        if (e.Metadata is not null) body["metadata"] = e.Metadata;
        var json = JsonSerializer.Serialize(body, PreviewJson).Replace("'", "'\\''");
        // The key header is in double quotes so the shell expands $METERING_API_KEY; the body stays in
        // single quotes so nothing in it is expanded (its own quotes are escaped above).
        return $"curl -sS -X POST '{apiBase}api/v1/usage' \\\n  -H \"Authorization: Bearer $METERING_API_KEY\" \\\n  -H 'Content-Type: application/json' \\\n  -d '{json}'";
    }

    private static readonly JsonSerializerOptions PreviewJson = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
