namespace MeteringConsole.Features.OverUnder;

/// <summary>
/// What each Over/Under figure means, as its heading's tooltip says it (issue 9) and the README
/// writes it; over the client's buckets in scope (all of them, or the chosen unit type's).
/// </summary>
public static class OverUnderDefinitions
{
    public const string Committed = "Σ commit × base rate: what the client pays for whether it uses it or not.";
    public const string FinalCost = "What the period billed: committed $ + overage $.";
    public const string Overage = "$ billed above commit: usage beyond commit × overage rate.";
    public const string Buffer = "$ paid for unused capacity: commit not used × base rate.";
    public const string BufferUnits = "Commit not used, in each unit type's own units.";
    public const string PercentUnused = "Buffer $ ÷ committed $ × 100.";
    public const string VsCommit = "(Σ usage × base rate) ÷ committed $ × 100 − 100: −35% means they used 65% of what they pay for.";
    public const string DeltaUnits = "Σ (usage − commit) over the buckets of this unit type: positive = delivered beyond commit, negative = short of it.";
    public const string Status = "Over: buckets over commit and none under. Under: buckets under commit and none over. "
        + "Mixed: both over and under buckets. At commit: every bucket exactly at commit.";
}
