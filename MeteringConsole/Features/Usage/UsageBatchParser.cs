using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// Reads a POST /usage body (one event object or an array of 1–10,000) into events: required
/// fields present with the right JSON types, RFC 3339 timestamps with an offset. The value rules
/// (<see cref="UsageEventRules"/>) and the database rules come after.
/// </summary>
public static partial class UsageBatchParser
{
    /// <summary>The events by position (null where an event is malformed) and the errors found.</summary>
    public static (List<UsageEvent?> Events, List<UsageEventError> Errors) Parse(JsonElement body, DateTimeOffset now)
    {
        var events = new List<UsageEvent?>();
        var errors = new List<UsageEventError>();
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                events.Add(ParseOne(body, 0, now, errors));
                break;
            case JsonValueKind.Array:
                var count = body.GetArrayLength();
                if (count == 0) errors.Add(new UsageEventError(0, null, "body", "Send at least one event."));
                if (count > UsageLimits.MaxEvents)
                    throw new UsageBatchTooLargeException($"A batch holds at most {UsageLimits.MaxEvents:N0} events; this one has {count:N0}.");
                var i = 0;
                foreach (var element in body.EnumerateArray()) events.Add(ParseOne(element, i++, now, errors));
                break;
            default:
                errors.Add(new UsageEventError(0, null, "body", "The body must be an event object or an array of events."));
                break;
        }
        return (events, errors);
    }

    private static UsageEvent? ParseOne(JsonElement e, int index, DateTimeOffset now, List<UsageEventError> errors)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new UsageEventError(index, null, "event", "Each event must be a JSON object."));
            return null;
        }
        var before = errors.Count;
        // Event ids are kept exactly as sent: " x " is not "x" (trimming made it a duplicate of it).
        var eventId = RequiredString(e, "event_id", index, null, errors, trim: false);
        void Fail(string field, string message) => errors.Add(new UsageEventError(index, eventId, field, message));

        DateTimeOffset timestamp = default;
        if (RequiredString(e, "timestamp", index, eventId, errors) is { } text
            && (!Rfc3339().IsMatch(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp)))
            Fail("timestamp", "Use RFC 3339 with an offset, e.g. 2026-11-20T14:00:00Z or 2026-11-20T15:00:00+01:00.");
        var source = RequiredString(e, "source", index, eventId, errors)?.ToLowerInvariant();
        var assetId = RequiredString(e, "asset_id", index, eventId, errors);
        var unitType = RequiredString(e, "unit_type", index, eventId, errors);

        double value = 0;
        if (!e.TryGetProperty("value", out var v) || v.ValueKind == JsonValueKind.Null) Fail("value", "value is required.");
        else if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out value)) Fail("value", "value must be a number.");

        int? clientId = null;
        if (e.TryGetProperty("client_id", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var id) && id > 0) clientId = id;
            else Fail("client_id", "client_id must be a client's id (a positive whole number).");
        }

        var assetName = OptionalString(e, "asset_name", index, eventId, errors);
        var assetDescription = OptionalString(e, "asset_description", index, eventId, errors);
        var metadata = Metadata(e, index, eventId, errors);

        // Value rules run even when some fields are malformed, so one answer lists every problem;
        // a field that already failed to parse is not reported twice.
        var failed = errors.Skip(before).Select(x => x.Field).ToHashSet();
        var parsed = new UsageEvent(eventId ?? "?", failed.Contains("timestamp") ? now : timestamp, source ?? "?", assetId ?? "?",
            unitType ?? "?", value, clientId, assetName, assetDescription, metadata);
        var ruleErrors = new List<UsageEventError>();
        UsageEventRules.Check(parsed, index, now, ruleErrors);
        errors.AddRange(ruleErrors.Where(x => !failed.Contains(x.Field)).Select(x => x with { EventId = eventId }));
        return errors.Count == before ? parsed : null;
    }

    private static string? RequiredString(JsonElement e, string field, int index, string? eventId, List<UsageEventError> errors, bool trim = true)
    {
        if (!e.TryGetProperty(field, out var p) || p.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new UsageEventError(index, eventId, field, $"{field} is required."));
            return null;
        }
        if (p.ValueKind != JsonValueKind.String)
        {
            errors.Add(new UsageEventError(index, eventId, field, $"{field} must be a string."));
            return null;
        }
        var s = trim ? p.GetString()!.Trim() : p.GetString()!;
        if (string.IsNullOrWhiteSpace(s)) errors.Add(new UsageEventError(index, eventId, field, $"{field} is required."));
        return string.IsNullOrWhiteSpace(s) ? null : s;
    }

    private static string? OptionalString(JsonElement e, string field, int index, string? eventId, List<UsageEventError> errors)
    {
        if (!e.TryGetProperty(field, out var p) || p.ValueKind == JsonValueKind.Null) return null;
        if (p.ValueKind != JsonValueKind.String)
        {
            errors.Add(new UsageEventError(index, eventId, field, $"{field} must be a string."));
            return null;
        }
        var s = p.GetString()!.Trim();
        return s.Length == 0 ? null : s;
    }

    private static Dictionary<string, string>? Metadata(JsonElement e, int index, string? eventId, List<UsageEventError> errors)
    {
        if (!e.TryGetProperty("metadata", out var m) || m.ValueKind == JsonValueKind.Null) return null;
        if (m.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new UsageEventError(index, eventId, "metadata", "metadata must be an object of string keys and string values."));
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in m.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                errors.Add(new UsageEventError(index, eventId, "metadata", $"metadata value of '{p.Name}' must be a string."));
                return null;
            }
            result[p.Name] = p.Value.GetString()!;
        }
        return result.Count == 0 ? null : result;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();
}
