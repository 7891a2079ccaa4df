using MeteringConsole.Common;
using MudBlazor;

namespace MeteringConsole.Components.Shared;

/// <summary>Translates between a MudDataGrid's server-side state and the services' paging.</summary>
public static class GridPaging
{
    /// <summary>The grid's page and first sort as a service request ("Column" or "Column desc").</summary>
    public static PageRequest ToPageRequest<T>(this GridState<T> state)
    {
        var sort = state.SortDefinitions.OrderBy(s => s.Index).FirstOrDefault();
        var orderBy = sort is null ? null : sort.SortBy + (sort.Descending ? " desc" : "");
        return new PageRequest(state.Page * state.PageSize, state.PageSize, orderBy);
    }

    public static GridData<T> ToGridData<T>(this Page<T> page) => new() { Items = page.Items, TotalItems = page.Total };

    /// <summary>The page sizes every grid offers.</summary>
    public static readonly int[] PageSizes = [10, 25, 50, 100];
}
