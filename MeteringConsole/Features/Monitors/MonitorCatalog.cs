using MeteringConsole.Domain;

namespace MeteringConsole.Features.Monitors;

public enum MonitorItemKind { Date, Number, Money, Text }

/// <summary>A contract item a monitor can watch, with what kind of value it gives.</summary>
public sealed record MonitorItem(string Name, MonitorItemKind Kind, string Description);

/// <summary>The monitor vocabulary of seed 000, as the API and pages write it.</summary>
public static class MonitorCatalog
{
    public static readonly IReadOnlyList<MonitorItem> ContractItems = new MonitorItem[]
    {
        new("start_date", MonitorItemKind.Date, "First day of the billing period."),
        new("end_date", MonitorItemKind.Date, "Last day of the billing period."),
        new("cycle_length", MonitorItemKind.Number, "How many cycle units a billing period lasts."),
        new("cycle_unit", MonitorItemKind.Text, "The cycle unit: day, week, month or year."),
        new("cycle_start_date", MonitorItemKind.Date, "The date billing cycles are counted from (Billing:CycleAnchor)."),
        new("contract_start_date", MonitorItemKind.Date, "The earliest contract start of the buckets."),
        new("commit", MonitorItemKind.Number, "Committed units per period."),
        new("amount", MonitorItemKind.Money, "Committed money: commit × base rate."),
        new("billed_amount", MonitorItemKind.Money, "What the period bills so far, priced as a billing run would."),
        new("billed_days", MonitorItemKind.Number, "Days of the period elapsed, that day included."),
        new("invoice_total", MonitorItemKind.Money, "What the client's invoice for the period totals so far."),
    };

    public static MonitorItem? Item(string? name)
        => ContractItems.FirstOrDefault(i => string.Equals(i.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Name(MonitorSource source) => source == MonitorSource.Contract ? "contract" : "usage_aggregate";

    public static MonitorSource? ParseSource(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "contract" => MonitorSource.Contract,
        "usage_aggregate" => MonitorSource.UsageAggregate,
        _ => null,
    };

    public static Aggregation? ParseAggregation(string? text)
        => Enum.TryParse<Aggregation>(text?.Trim(), ignoreCase: true, out var a) && Enum.IsDefined(a) && !char.IsDigit(text!.Trim()[0]) ? a : null;
}
