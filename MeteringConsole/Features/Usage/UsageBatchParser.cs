using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// Reads a POST /usage body (one event object or an array of 1–10,000) and checks each event's
/// shape: required fields, types, lengths, RFC 3339 timestamps with an offset, finite values ≥ 0.
/// Rules that need the database (unit types, clients, scope, finalized periods) come later.
/// </summary>
public static partial class UsageBatchParser
{
    /// <summary>The events by position (null where an event's shape is wrong) and the shape errors.</summary>
    public static (List<UsageEvent?> Events, List<UsageEventError> Errors) Parse(JsonElement body, DateTimeOffset now)
    {
        var events = new List<UsageEvent?>();
        var errors = new List<UsageEventError>();
        switch (body.ValueKind)
        {
            case JsonValueKind.Object:
                ParseOne(body, 0, now, events, errors);
                break;
            case JsonValueKind.Array:
                var count = body.GetArrayLength();
                if (count == 0) errors.Add(new UsageEventError(0, null, "body", "Send at least one event."));
                if (count > UsageLimits.MaxEvents)
                    throw new UsageBatchTooLargeException($"A batch holds at most {UsageLimits.MaxEvents:N0} events; this one has {count:N0}.");
                var i = 0;
                foreach (var element in body.EnumerateArray()) ParseOne(element, i++, now, events, errors);
                break;
            default:
                errors.Add(new UsageEventError(0, null, "body", "The body must be an event object or an array of events."));
                break;
        }
        return (events, errors);
    }

    private static void ParseOne(JsonElement e, int index, DateTimeOffset now, List<UsageEvent?> events, List<UsageEventError> errors)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new UsageEventError(index, null, "event", "Each event must be a JSON object."));
            events.Add(null);
            return;
        }
        var before = errors.Count;
        var eventId = RequiredString(e, "event_id", UsageLimits.MaxEventIdLength, index, null, errors);
        void Fail(string field, string message) => errors.Add(new UsageEventError(index, eventId, field, message));

        var timestampText = RequiredString(e, "timestamp", 64, index, eventId, errors);
        DateTimeOffset timestamp = default;
        if (timestampText is not null)
        {
            if (!Rfc3339().IsMatch(timestampText)
                || !DateTimeOffset.TryParse(timestampText, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp))
                Fail("timestamp", "Use RFC 3339 with an offset, e.g. 2026-11-20T14:00:00Z or 2026-11-20T15:00:00+01:00.");
            else if (timestamp > now + UsageLimits.MaxFutureSkew)
                Fail("timestamp", "The timestamp is more than 5 minutes in the future.");
        }

        var source = RequiredString(e, "source", 100, index, eventId, errors)?.ToLowerInvariant();
        if (source is not null && !SourceName().IsMatch(source))
            Fail("source", "A source type is lower-case letters, digits, '.', '_' or '-'.");
        var assetId = RequiredString(e, "asset_id", 200, index, eventId, errors);
        var unitType = RequiredString(e, "unit_type", 100, index, eventId, errors);

        double value = 0;
        if (!e.TryGetProperty("value", out var v) || v.ValueKind == JsonValueKind.Null) Fail("value", "value is required.");
        else if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out value)) Fail("value", "value must be a number.");
        else if (!double.IsFinite(value) || value < 0) Fail("value", "value must be a finite number ≥ 0.");

        int? clientId = null;
        if (e.TryGetProperty("client_id", out var c) && c.ValueKind != JsonValueKind.Null)
        {
            if (c.ValueKind == JsonValueKind.Number && c.TryGetInt32(out var id) && id > 0) clientId = id;
            else Fail("client_id", "client_id must be a client's id (a positive whole number).");
        }

        var assetName = OptionalString(e, "asset_name", 200, index, eventId, errors);
        var assetDescription = OptionalString(e, "asset_description", 1000, index, eventId, errors);
        var metadata = Metadata(e, index, eventId, errors);

        events.Add(errors.Count == before
            ? new UsageEvent(eventId!, timestamp, source!, assetId!, unitType!, value, clientId, assetName, assetDescription, metadata)
            : null);
    }

    private static string? RequiredString(JsonElement e, string field, int maxLength, int index, string? eventId, List<UsageEventError> errors)
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
        var s = p.GetString()!.Trim();
        if (s.Length == 0 || s.Length > maxLength)
        {
            errors.Add(new UsageEventError(index, eventId, field, $"{field} must be 1–{maxLength} characters."));
            return null;
        }
        return s;
    }

    private static string? OptionalString(JsonElement e, string field, int maxLength, int index, string? eventId, List<UsageEventError> errors)
    {
        if (!e.TryGetProperty(field, out var p) || p.ValueKind == JsonValueKind.Null) return null;
        if (p.ValueKind != JsonValueKind.String || p.GetString()!.Length > maxLength)
        {
            errors.Add(new UsageEventError(index, eventId, field, $"{field} must be a string of at most {maxLength} characters."));
            return null;
        }
        var s = p.GetString()!.Trim();
        return s.Length == 0 ? null : s;
    }

    private static Dictionary<string, string>? Metadata(JsonElement e, int index, string? eventId, List<UsageEventError> errors)
    {
        if (!e.TryGetProperty("metadata", out var m) || m.ValueKind == JsonValueKind.Null) return null;
        void Fail(string message) => errors.Add(new UsageEventError(index, eventId, "metadata", message));
        if (m.ValueKind != JsonValueKind.Object)
        {
            Fail("metadata must be an object of string keys and string values.");
            return null;
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in m.EnumerateObject())
        {
            if (result.Count == UsageLimits.MaxMetadataKeys)
            {
                Fail($"metadata holds at most {UsageLimits.MaxMetadataKeys} keys.");
                return null;
            }
            if (p.Name.Length is 0 or > UsageLimits.MaxMetadataKeyLength)
            {
                Fail($"metadata keys are 1–{UsageLimits.MaxMetadataKeyLength} characters.");
                return null;
            }
            if (p.Value.ValueKind != JsonValueKind.String || p.Value.GetString()!.Length > UsageLimits.MaxMetadataValueLength)
            {
                Fail($"metadata value of '{p.Name}' must be a string of at most {UsageLimits.MaxMetadataValueLength} characters.");
                return null;
            }
            result[p.Name] = p.Value.GetString()!;
        }
        return result.Count == 0 ? null : result;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex Rfc3339();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex SourceName();
}
