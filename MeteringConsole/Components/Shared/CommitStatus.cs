namespace MeteringConsole.Components.Shared;

/// <summary>
/// One colour per commit status, everywhere a status is drawn (dashboard, readings, over/under,
/// cards), so a reader learns it once. Over matches the stylesheet's --mc-over, Under --mc-under.
/// </summary>
public static class CommitStatus
{
    public const string OverColor = "#c62828";
    public const string UnderColor = "#1565c0";
    public const string MixedColor = "#8e24aa";
    public const string AtCommitColor = "#2e7d32";

    /// <summary>The colour of a status as the services name it ("Over", "Under", "Mixed", "At commit").</summary>
    public static string ColorOf(string status) => status.Trim().ToLowerInvariant() switch
    {
        "over" => OverColor,
        "under" => UnderColor,
        "mixed" => MixedColor,
        _ => AtCommitColor,
    };
}
