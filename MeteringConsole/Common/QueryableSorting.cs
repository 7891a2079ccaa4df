using System.Linq.Expressions;

namespace MeteringConsole.Common;

/// <summary>
/// Applies a grid's "Column [asc|desc]" sort through a whitelist of key selectors, so a page can
/// only sort on what the service allows and EF can translate.
/// </summary>
public sealed class SortMap<T>
{
    private readonly Dictionary<string, Func<IQueryable<T>, bool, IOrderedQueryable<T>>> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _default;

    public SortMap(string defaultOrder) => _default = defaultOrder;

    public SortMap<T> Add<TKey>(string name, Expression<Func<T, TKey>> key)
    {
        _keys[name] = (q, desc) => desc ? q.OrderByDescending(key) : q.OrderBy(key);
        return this;
    }

    public IQueryable<T> Apply(IQueryable<T> query, string? orderBy)
    {
        var (name, desc) = Parse(orderBy);
        if (!_keys.TryGetValue(name, out var sort)) (name, desc) = Parse(_default);
        return _keys[name](query, desc);
    }

    private static (string Name, bool Desc) Parse(string? orderBy)
    {
        var parts = (orderBy ?? "").Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return ("", false);
        var name = parts[0];
        return (name, parts.Length > 1 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase));
    }
}

public static class PagingExtensions
{
    /// <summary>
    /// A LIKE pattern for "contains", case-insensitive in SQLite (instr(), which EF uses for
    /// string.Contains, is not). Wildcards in the search text are escaped with a backslash.
    /// </summary>
    public static string ContainsPattern(string search)
        => "%" + search.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    public static IQueryable<T> Page<T>(this IQueryable<T> query, PageRequest page)
        => query.Skip(page.SafeSkip).Take(page.SafeTake);
}
