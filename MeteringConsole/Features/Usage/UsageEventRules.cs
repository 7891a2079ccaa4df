using System.Text.RegularExpressions;

namespace MeteringConsole.Features.Usage;

/// <summary>
/// The value rules every event obeys, however it arrived (API body or Record Usage form):
/// lengths, the source's form, a finite value ≥ 0, at most 5 minutes in the future, metadata limits.
/// </summary>
public static partial class UsageEventRules
{
    public static void Check(UsageEvent e, int index, DateTimeOffset now, List<UsageEventError> errors)
    {
        void Fail(string field, string message) => errors.Add(new UsageEventError(index, e.EventId, field, message));

        // Kept exactly as sent (spaces included), so only what no sender means is refused.
        if (Length(e.EventId, "event_id", UsageLimits.MaxEventIdLength))
        {
            if (string.IsNullOrWhiteSpace(e.EventId)) Fail("event_id", "event_id is required: it cannot be only spaces.");
            else if (e.EventId.Any(char.IsControl)) Fail("event_id", "event_id must not contain NUL, line breaks, tabs or other control characters.");
        }
        if (Length(e.Source, "source", 100) && !SourceName().IsMatch(e.Source))
            Fail("source", "A source type is lower-case letters, digits, '.', '_' or '-'.");
        Length(e.AssetId, "asset_id", 200);
        Length(e.UnitType, "unit_type", 100);
        if (e.AssetName is { Length: > 200 }) Fail("asset_name", "asset_name must be at most 200 characters.");
        if (e.AssetDescription is { Length: > 1000 }) Fail("asset_description", "asset_description must be at most 1000 characters.");
        if (!double.IsFinite(e.Value) || e.Value < 0) Fail("value", "value must be a finite number ≥ 0.");
        // Larger readings would overflow billing's millionths (Domain/ValueLimits.cs).
        if (double.IsFinite(e.Value) && e.Value > Domain.ValueLimits.MaxReadingValue)
            Fail("value", $"value must be at most {Domain.ValueLimits.MaxReadingValue.ToString("#,0", System.Globalization.CultureInfo.InvariantCulture)}.");
        if (e.Timestamp > now + UsageLimits.MaxFutureSkew) Fail("timestamp", "The timestamp is more than 5 minutes in the future.");
        else if (e.Timestamp < UsageLimits.EarliestTimestamp)
            Fail("timestamp", $"Readings dated before {UsageLimits.EarliestTimestamp:yyyy-MM-dd} are refused: the timestamp is almost certainly wrong.");
        if (e.Metadata is { } metadata)
        {
            if (metadata.Count > UsageLimits.MaxMetadataKeys)
                Fail("metadata", $"metadata holds at most {UsageLimits.MaxMetadataKeys} keys.");
            else if (metadata.Keys.Any(k => k.Length is 0 or > UsageLimits.MaxMetadataKeyLength))
                Fail("metadata", $"metadata keys are 1–{UsageLimits.MaxMetadataKeyLength} characters.");
            else if (metadata.FirstOrDefault(kv => kv.Value.Length > UsageLimits.MaxMetadataValueLength) is { Key: not null } tooLong)
                Fail("metadata", $"metadata value of '{tooLong.Key}' must be at most {UsageLimits.MaxMetadataValueLength} characters.");
        }

        bool Length(string value, string field, int max)
        {
            if (value.Length is > 0 && value.Length <= max) return true;
            Fail(field, value.Length == 0 ? $"{field} is required." : $"{field} must be 1–{max} characters.");
            return false;
        }
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex SourceName();
}
