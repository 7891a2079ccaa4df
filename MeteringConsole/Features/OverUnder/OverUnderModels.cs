namespace MeteringConsole.Features.OverUnder;

/// <summary>
/// Where a client stands against its commits in a period: Over when it has buckets over commit
/// and none under, Under the reverse, Mixed with both, AtCommit when every bucket sits exactly on it.
/// </summary>
public enum OverUnderStatus { Over, Under, Mixed, AtCommit }

/// <summary>Which clients the client table lists; every filter but All names one status.</summary>
public enum OverUnderFilter { All, Over, Under, Mixed }

public sealed record OverUnderQuery(string? PeriodStart = null, OverUnderFilter Status = OverUnderFilter.All, string? UnitType = null,
    int Skip = 0, int Take = 1000, string? OrderBy = null);

public sealed record OverUnderCounts(int All, int Over, int Under, int Mixed, int AtCommit);

/// <summary>One client's figures over its buckets in scope (all, or those of the chosen unit type).</summary>
public sealed record OverUnderClient(int ClientId, string Name, OverUnderStatus Status, IReadOnlyList<string> UnitTypes, decimal FinalCost,
    decimal CommittedCost, decimal? VsCommitPercent, decimal OverageCost, decimal BufferCost);

/// <summary>A client paying for capacity it does not use, with the unused units per unit type.</summary>
public sealed record RightSizeCandidate(int ClientId, string Name, IReadOnlyList<string> UnitTypes, decimal CommittedCost, decimal BufferCost,
    IReadOnlyDictionary<string, decimal> BufferUnits, decimal? PercentUnused);

/// <summary>Per unit type: what is delivered beyond (or short of) commit, and the money either side.</summary>
public sealed record UnitTypeLens(string UnitType, decimal DeltaUnits, decimal OverageCost, decimal BufferCost);

public sealed record TrendPoint(string PeriodStart, decimal OverageCost, decimal BufferCost);

/// <summary>The Over/Under screen and API answer for one billed period.</summary>
public sealed record OverUnderReport(string PeriodStart, string PeriodEnd, string Currency, OverUnderCounts Counts,
    IReadOnlyList<OverUnderClient> Clients, int ClientsTotal, IReadOnlyList<RightSizeCandidate> RightSizeCandidates, decimal TotalBufferCost,
    IReadOnlyList<UnitTypeLens> ByUnitType, IReadOnlyList<TrendPoint> Trend);
