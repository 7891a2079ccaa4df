namespace MeteringConsole.Api;

/// <summary>A page of results as the API returns lists.</summary>
public sealed record ApiPage<T>(IReadOnlyList<T> Items, int Total, int Skip, int Take);
