namespace MeteringConsole.Components.Shared;

/// <summary>
/// The service's validation messages of one form, keyed by API field name ("" for the whole
/// form), for MudBlazor inputs: <c>Error="@Errors.Has("name")" ErrorText="@Errors.Text("name")"</c>.
/// </summary>
public sealed class FormErrors
{
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    public bool Any => _errors.Count > 0;

    public void Set(IReadOnlyDictionary<string, string[]> errors) => _errors = errors;

    public void Clear() => _errors = new Dictionary<string, string[]>();

    public bool Has(string field) => _errors.ContainsKey(field);

    public string? Text(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    /// <summary>What concerns the whole input (a conflict), shown above the fields.</summary>
    public string? Form => Text("");
}
