using System.Globalization;
using System.Text.Json;
using MeteringConsole.Domain;

namespace MeteringConsole.Features.Alerts;

/// <summary>What the threshold of an alert type is measured in.</summary>
public enum ThresholdKind { Money, Units, Percent }

/// <summary>One alert type: its API name, what it compares, and which fields it uses.</summary>
public sealed record AlertKind(AlertType Type, string Label, string Description, ThresholdKind Threshold, bool UsesUnitType,
    bool UsesWindow, bool PeriodBased)
{
    public string Name => AlertCatalog.Name(Type);
}

/// <summary>The six alert types of issue 10 and the snake_case names the API and seeds use.</summary>
public static class AlertCatalog
{
    public static readonly IReadOnlyList<AlertKind> Kinds = new[]
    {
        new AlertKind(AlertType.SpendThresholdReached, "Spend threshold reached",
            "Usage-based spend in the open period (each bucket's usage up to commit at the base rate, above it at the overage rate) reaches the threshold.",
            ThresholdKind.Money, UsesUnitType: false, UsesWindow: false, PeriodBased: true),
        new AlertKind(AlertType.InvoiceTotalReached, "Invoice total reached",
            "What the open period will bill so far (committed + overage, as a billing run would) reaches the threshold.",
            ThresholdKind.Money, false, false, true),
        new AlertKind(AlertType.LowRemainingCommitBalanceReached, "Low remaining commit balance",
            "The remaining commit balance (unused commit × base rate, over the client's buckets) falls to the threshold or below.",
            ThresholdKind.Money, false, false, true),
        new AlertKind(AlertType.UsageThresholdReached, "Usage threshold reached",
            "Usage of one unit type in the open period (the unit type's aggregation per asset, summed over the client's assets) reaches the threshold.",
            ThresholdKind.Units, true, false, true),
        new AlertKind(AlertType.UsageChangePercent, "Usage change %",
            "Usage of one unit type over the last complete day or week differs from the one before by the threshold % or more.",
            ThresholdKind.Percent, true, true, false),
        new AlertKind(AlertType.ProjectedOverage, "Projected overage",
            "A projection of the open period says a bucket ends over commit, with projected overage cost at or above the threshold.",
            ThresholdKind.Money, false, false, true),
    };

    public static AlertKind Of(AlertType type) => Kinds.Single(k => k.Type == type);

    public static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The enum value with this snake_case name (case-insensitive), or null; numbers are not names.</summary>
    public static T? Parse<T>(string? text) where T : struct, Enum
        => Enum.GetValues<T>().Cast<T?>().FirstOrDefault(v => string.Equals(Name(v!.Value), text?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string NamesOf<T>() where T : struct, Enum => string.Join(", ", Enum.GetValues<T>().Select(v => Name(v)));

    /// <summary>A threshold or value as people read it: "1,250.00 USD", "420 vcpu-hours", "-25.5 %".</summary>
    public static string Format(AlertType type, decimal? value, string currency, string? unitType)
    {
        if (value is not decimal v) return "–";
        return Of(type).Threshold switch
        {
            ThresholdKind.Money => $"{v.ToString("#,0.00", CultureInfo.InvariantCulture)} {currency}",
            ThresholdKind.Percent => $"{v.ToString("#,0.##", CultureInfo.InvariantCulture)} %",
            _ => $"{v.ToString("#,0.######", CultureInfo.InvariantCulture)} {unitType}".TrimEnd(),
        };
    }
}
