using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MeteringConsole.Common;

/// <summary>
/// "Contains" searches that ignore case on both stores: SQLite's LIKE ignores (ASCII) case,
/// PostgreSQL's LIKE does not, so there the same search is an ILIKE.
/// </summary>
public static class TextSearch
{
    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(nameof(NpgsqlDbFunctionsExtensions.ILike),
        [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    /// <summary>Rows where any of <paramref name="columns"/> contains <paramref name="search"/> (trimmed, wildcards taken literally).</summary>
    public static IQueryable<T> WhereContains<T>(this IQueryable<T> query, DatabaseFacade database, string search,
        params Expression<Func<T, string?>>[] columns)
        => query.WhereLike(database, PagingExtensions.ContainsPattern(search), columns);

    /// <summary>Rows where any of <paramref name="columns"/> matches a LIKE <paramref name="pattern"/> escaped with a backslash, ignoring case.</summary>
    public static IQueryable<T> WhereLike<T>(this IQueryable<T> query, DatabaseFacade database, string pattern,
        params Expression<Func<T, string?>>[] columns)
    {
        var method = database.IsNpgsql() ? ILike : Like;
        var row = Expression.Parameter(typeof(T), "row");
        // A member of a captured object, so EF Core sends the pattern as a parameter rather than inlining it.
        var patternValue = Expression.Property(Expression.Constant(new PatternHolder(pattern)), nameof(PatternHolder.Pattern));
        Expression? any = null;
        foreach (var column in columns)
        {
            var value = new Rebind(column.Parameters[0], row).Visit(column.Body);
            Expression match = Expression.Call(method, Expression.Constant(EF.Functions), value, patternValue, Expression.Constant("\\"));
            any = any is null ? match : Expression.OrElse(any, match);
        }
        return any is null ? query : query.Where(Expression.Lambda<Func<T, bool>>(any, row));
    }

    private sealed record PatternHolder(string Pattern);

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
