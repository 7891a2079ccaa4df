namespace MeteringConsole.Features.OverUnder;

/// <summary>One billing reading as Over/Under reads it: money already rounded to cents as billed.</summary>
public sealed record OverUnderLine(int ClientId, string ClientName, string UnitType, decimal Usage, decimal Commit, decimal BaseRate,
    decimal CommittedCost, decimal OverageCost, decimal BufferUnits, decimal BufferCost, decimal FinalCost);

/// <summary>
/// The Over/Under definitions, over a client's buckets in scope:
/// committed $ = Σ commit × base rate; overage $ and buffer $ as billed; % unused = buffer $ / committed $ × 100;
/// vs commit = (Σ usage × base rate) / committed $ × 100 − 100 (−35 % = used 65 % of what they pay for);
/// Δ units per unit type = Σ (usage − commit).
/// </summary>
public static class OverUnderMath
{
    public static IReadOnlyList<OverUnderClient> Clients(IEnumerable<OverUnderLine> lines)
        => lines.GroupBy(l => l.ClientId).Select(g =>
        {
            var committed = g.Sum(l => l.CommittedCost);
            var usedAtBase = g.Sum(l => l.Usage * l.BaseRate);
            return new OverUnderClient(g.Key, g.First().ClientName, StatusOf(g), UnitTypes(g), g.Sum(l => l.FinalCost), committed,
                committed == 0 ? null : Percent(usedAtBase / committed * 100 - 100), g.Sum(l => l.OverageCost), g.Sum(l => l.BufferCost));
        }).ToList();

    /// <summary>Clients with unused paid capacity, largest buffer $ first.</summary>
    public static IEnumerable<RightSizeCandidate> RightSizeCandidates(IEnumerable<OverUnderLine> lines)
        => lines.GroupBy(l => l.ClientId)
            .Select(g =>
            {
                var committed = g.Sum(l => l.CommittedCost);
                var buffer = g.Sum(l => l.BufferCost);
                var units = g.Where(l => l.BufferUnits > 0).GroupBy(l => l.UnitType, StringComparer.Ordinal)
                    .OrderBy(u => u.Key, StringComparer.Ordinal)
                    .ToDictionary(u => u.Key, u => u.Sum(l => l.BufferUnits), StringComparer.Ordinal);
                return new RightSizeCandidate(g.Key, g.First().ClientName, UnitTypes(g), committed, buffer, units,
                    committed == 0 ? null : Percent(buffer / committed * 100));
            })
            .Where(c => c.BufferCost > 0)
            .OrderByDescending(c => c.BufferCost).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.ClientId);

    public static IReadOnlyList<UnitTypeLens> ByUnitType(IEnumerable<OverUnderLine> lines)
        => lines.GroupBy(l => l.UnitType, StringComparer.Ordinal)
            .Select(g => new UnitTypeLens(g.Key, g.Sum(l => l.Usage - l.Commit), g.Sum(l => l.OverageCost), g.Sum(l => l.BufferCost)))
            .OrderBy(u => u.UnitType, StringComparer.Ordinal).ToList();

    public static OverUnderStatus StatusOf(IEnumerable<OverUnderLine> lines)
    {
        bool over = false, under = false;
        foreach (var l in lines)
        {
            over |= l.Usage > l.Commit;
            under |= l.Usage < l.Commit;
        }
        return over && under ? OverUnderStatus.Mixed : over ? OverUnderStatus.Over : under ? OverUnderStatus.Under : OverUnderStatus.AtCommit;
    }

    /// <summary>How pages and the API write a status.</summary>
    public static string Label(OverUnderStatus status) => status switch
    {
        OverUnderStatus.Over => "Over",
        OverUnderStatus.Under => "Under",
        OverUnderStatus.Mixed => "Mixed",
        _ => "At commit",
    };

    private static IReadOnlyList<string> UnitTypes(IEnumerable<OverUnderLine> lines)
        => lines.Select(l => l.UnitType).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    private static decimal Percent(decimal value) => decimal.Round(value, 2, MidpointRounding.AwayFromZero);
}
