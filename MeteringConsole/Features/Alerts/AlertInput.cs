using MeteringConsole.Common;
using MeteringConsole.Domain;
using MimeKit;

namespace MeteringConsole.Features.Alerts;

/// <summary>A new alert as the API and the create dialog send it: text where a wrong value must be a field error.</summary>
public sealed record AlertInput(string? AlertType, string? Name, decimal? Threshold, int? ClientId = null, string? UnitType = null,
    string? Window = null, string? Direction = null, string? Severity = null, IReadOnlyList<string>? Channels = null,
    IReadOnlyList<string>? ExtraRecipients = null);

/// <summary>Checks an <see cref="AlertInput"/> field by field and builds the alert (unit type resolved by the caller).</summary>
internal static class AlertInputRules
{
    public const int MaxNameLength = 200;
    public const decimal MaxThreshold = 1_000_000_000_000m;

    public static Alert Validate(AlertInput input, IReadOnlyDictionary<string, int> unitTypes, bool clientExists, DateTime now)
    {
        var type = AlertCatalog.Parse<AlertType>(input.AlertType);
        var v = new Validator();
        v.Check(!string.IsNullOrWhiteSpace(input.AlertType), "alert_type", "Alert type is required.");
        v.Check(string.IsNullOrWhiteSpace(input.AlertType) || type is not null, "alert_type",
            $"Unknown alert type '{input.AlertType}': use one of {AlertCatalog.NamesOf<AlertType>()}.");
        var name = (input.Name ?? "").Trim();
        v.Required(name, "name", MaxNameLength);
        v.Check(input.Threshold is not null, "threshold", "Threshold is required.");
        if (input.Threshold is decimal t)
        {
            v.Check(t >= 0, "threshold", "Threshold must not be negative.");
            v.Check(t <= MaxThreshold, "threshold", $"Threshold must be at most {MaxThreshold:#,0}.");
            v.Check(decimal.Round(t, 6) == t, "threshold", "Threshold must have at most 6 decimal places.");
            v.Check(type != Domain.AlertType.UsageChangePercent || t > 0, "threshold", "A change of 0 % is no change: give a percentage above 0.");
        }
        v.Check(input.ClientId is null || clientExists, "client_id", $"Client {input.ClientId} does not exist.");

        var kind = type is AlertType known ? AlertCatalog.Of(known) : null;
        int? unitTypeId = null;
        if (kind is { UsesUnitType: true })
        {
            v.Check(!string.IsNullOrWhiteSpace(input.UnitType), "unit_type", $"Unit type is required for {kind.Name}.");
            if (!string.IsNullOrWhiteSpace(input.UnitType))
            {
                v.Check(unitTypes.TryGetValue(input.UnitType.Trim(), out var id), "unit_type", $"Unknown unit type '{input.UnitType}'.");
                unitTypeId = id == 0 ? null : id;
            }
        }
        else if (kind is not null) v.Check(string.IsNullOrWhiteSpace(input.UnitType), "unit_type", $"{kind.Name} does not use a unit type.");

        AlertWindow? window = null;
        ChangeDirection? direction = null;
        if (kind is { UsesWindow: true })
        {
            window = AlertCatalog.Parse<AlertWindow>(input.Window);
            v.Check(window is not null, "window", $"Window is required for {kind.Name}: day or week.");
            direction = string.IsNullOrWhiteSpace(input.Direction) ? ChangeDirection.Either : AlertCatalog.Parse<ChangeDirection>(input.Direction);
            v.Check(direction is not null, "direction", "Direction must be up, down or either.");
        }
        else if (kind is not null)
        {
            v.Check(string.IsNullOrWhiteSpace(input.Window), "window", $"{kind.Name} does not use a window.");
            v.Check(string.IsNullOrWhiteSpace(input.Direction), "direction", $"{kind.Name} does not use a direction.");
        }

        var severity = string.IsNullOrWhiteSpace(input.Severity) ? AlertSeverity.Soft : AlertCatalog.Parse<AlertSeverity>(input.Severity);
        v.Check(severity is not null, "severity", "Severity must be soft or hard.");

        var channels = (input.Channels ?? new[] { "email", "webhook" }).Select(c => (c ?? "").Trim().ToLowerInvariant()).ToList();
        v.Check(channels.Count > 0, "channels", "Choose at least one channel: email, webhook.");
        v.Check(channels.All(c => c is "email" or "webhook"), "channels", "Channels are email and webhook.");

        var extra = (input.ExtraRecipients ?? Array.Empty<string>()).Select(r => (r ?? "").Trim()).Where(r => r.Length > 0).ToList();
        foreach (var bad in extra.Where(r => !IsAddress(r)))
            v.Check(false, "extra_recipients", $"'{bad}' is not an email address.");
        v.Check(string.Join(",", extra).Length <= 2000, "extra_recipients", "Extra recipients must fit in 2,000 characters.");
        v.ThrowIfInvalid();

        return new Alert
        {
            Name = name, Type = type!.Value, ClientId = input.ClientId, UnitTypeId = unitTypeId, Window = window, Direction = direction,
            Threshold = input.Threshold!.Value, Severity = severity!.Value, NotifyEmail = channels.Contains("email"),
            NotifyWebhook = channels.Contains("webhook"), ExtraRecipients = string.Join(",", extra.Distinct(StringComparer.OrdinalIgnoreCase)),
            CreatedAt = now,
        };
    }

    /// <summary>One plain address (name@domain), as a person types it in a list.</summary>
    public static bool IsAddress(string text)
        => MailboxAddress.TryParse(text, out var mailbox) && mailbox.Address == text && text.Contains('@') && !text.StartsWith('@') && !text.EndsWith('@');
}
