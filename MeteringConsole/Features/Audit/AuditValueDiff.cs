using System.Text.Encodings.Web;
using System.Text.Json;

namespace MeteringConsole.Features.Audit;

/// <summary>One top-level field of an audit entry's old or new values, pretty-printed.</summary>
public sealed record AuditValueLine(string Key, string Json, bool Changed);

/// <summary>
/// Lays out an entry's old and new values side by side: each side's fields, pretty-printed, with the
/// fields whose value differs from the other side marked. Inserts and deletes have one side only,
/// so nothing is marked there.
/// </summary>
public static class AuditValueDiff
{
    public static (IReadOnlyList<AuditValueLine> Old, IReadOnlyList<AuditValueLine> New) Compare(string? oldJson, string? newJson)
    {
        var oldFields = Fields(oldJson);
        var newFields = Fields(newJson);
        return (Lines(oldFields, newFields), Lines(newFields, oldFields));
    }

    private static List<AuditValueLine> Lines(List<KeyValuePair<string, string>>? side, List<KeyValuePair<string, string>>? other)
    {
        if (side is null) return new List<AuditValueLine>();
        var otherByKey = other?.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        return side.Select(f => new AuditValueLine(f.Key, f.Value,
            otherByKey is not null && (!otherByKey.TryGetValue(f.Key, out var was) || was != f.Value))).ToList();
    }

    /// <summary>Field name and pretty-printed value, in the stored order; null when there is no side.</summary>
    private static List<KeyValuePair<string, string>>? Fields(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return new() { new("(value)", Pretty(doc.RootElement)) };
            return doc.RootElement.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, Pretty(p.Value))).ToList();
        }
        catch (JsonException)
        {
            // Written by the interceptor, so always JSON; shown raw rather than hidden if it ever is not.
            return new() { new("(raw)", json) };
        }
    }

    private static string Pretty(JsonElement value) => JsonSerializer.Serialize(value, PrettyOptions);

    // Relaxed escaping: the page encodes HTML itself, and names with accents should read as written.
    private static readonly JsonSerializerOptions PrettyOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
