using System.Globalization;
using System.Text.Json;
using MeteringConsole.Api;
using MeteringConsole.Common;

namespace MeteringConsole.Features.Audit;

public static class AuditEndpoints
{
    /// <summary>An audit entry as the API shows it: old and new values as JSON objects, not strings.</summary>
    public sealed record AuditEntryResponse(long Id, string Action, string Table, string RecordId, string Actor, string? UserId,
        int? ApiKeyId, DateTime CreatedAt, JsonElement? OldValues, JsonElement? NewValues);

    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/audit", async (AuditService audit, string? table, string? action, string? actor, string? from, string? to,
            int? skip, int? take, string? order_by) =>
        {
            var filter = new AuditFilter(table, action, actor, ParseInstant(from, "from", endOfDay: false), ParseInstant(to, "to", endOfDay: true));
            var page = new PageRequest(skip ?? 0, take ?? 100, order_by);
            var result = await audit.ListAsync(filter, page);
            return new ApiPage<AuditEntryResponse>(result.Items.Select(ToResponse).ToList(), result.Total, page.SafeSkip, page.SafeTake);
        }).WithTags("Audit").WithDescription("Unscoped Admin keys only. from/to are ISO dates (whole days, UTC) or date-times.").RequireUnscopedKey();
        return api;
    }

    private static readonly string[] DateTimeFormats =
    {
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    };

    /// <summary>
    /// An ISO date or date-time as a UTC instant. A bare date means the whole day: its start for
    /// <c>from</c>, its last tick for <c>to</c>, so <c>from=2026-11-01&amp;to=2026-11-30</c> covers November.
    /// A date-time without an offset is UTC.
    /// </summary>
    public static DateTime? ParseInstant(string? text, string field, bool endOfDay)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        // An unencoded '+' in a query string arrives as a space.
        text = text.Trim().Replace(' ', '+');
        if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            QueryDates.Require(DateOnly.FromDateTime(day), field);
            return DateTime.SpecifyKind(endOfDay ? day.AddDays(1).AddTicks(-1) : day, DateTimeKind.Utc);
        }
        if (DateTimeOffset.TryParseExact(text, DateTimeFormats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            QueryDates.Require(DateOnly.FromDateTime(instant.UtcDateTime), field);
            return instant.UtcDateTime;
        }
        throw new ValidationException(field, $"'{text}' is not an ISO date (2026-11-21) or date-time (2026-11-21T08:30:00Z).");
    }

    private static AuditEntryResponse ToResponse(AuditRow r)
        => new(r.Id, r.Action, r.Table, r.RecordId, r.Actor, r.UserId, r.ApiKeyId, r.CreatedAt, Json(r.OldValues), Json(r.NewValues));

    private static JsonElement? Json(string? text)
    {
        if (text is null) return null;
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }
}
