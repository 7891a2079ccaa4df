namespace MeteringConsole.Common;

/// <summary>A page of a list, sorted and filtered on the server.</summary>
public sealed record PageRequest(int Skip = 0, int Take = 25, string? OrderBy = null)
{
    public int SafeTake => Math.Clamp(Take, 1, 500);
    public int SafeSkip => Math.Max(0, Skip);
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Total);
