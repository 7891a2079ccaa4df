using MeteringConsole.Common;
using MudBlazor;

namespace MeteringConsole.Components.Shared;

/// <summary>
/// Runs a page action and turns the services' exceptions into what the user sees: field
/// messages for bad input, a snackbar for refusals and conflicts.
/// </summary>
public static class UiFeedback
{
    /// <summary>True when the action succeeded. Validation errors go to <paramref name="fieldErrors"/> when given.</summary>
    public static Task<bool> TryAsync(this ISnackbar snackbar, Func<Task> action,
        Action<IReadOnlyDictionary<string, string[]>>? fieldErrors = null, string? success = null)
        => RunAsync(action, fieldErrors, success, (severity, title, detail) =>
            snackbar.Add(detail is null ? title : $"{title}: {detail}", severity));

    private static async Task<bool> RunAsync(Func<Task> action, Action<IReadOnlyDictionary<string, string[]>>? fieldErrors,
        string? success, Action<Severity, string, string?> notify)
    {
        try
        {
            await action();
            if (success is not null) notify(Severity.Success, success, null);
            return true;
        }
        catch (ValidationException e) when (fieldErrors is not null)
        {
            fieldErrors(e.Errors);
        }
        catch (ValidationException e)
        {
            notify(Severity.Error, "Please correct the input", e.Message);
        }
        catch (ConflictException e) when (fieldErrors is not null)
        {
            // Shown at the top of the form: the conflict concerns the whole input.
            fieldErrors(new Dictionary<string, string[]> { [""] = new[] { e.Message } });
        }
        catch (ConflictException e)
        {
            notify(Severity.Warning, "Not done", e.Message);
        }
        catch (ForbiddenException e)
        {
            notify(Severity.Error, "Not allowed", e.Message);
        }
        catch (NotFoundException e)
        {
            notify(Severity.Warning, "Not found", e.Message + " It may have been deleted.");
        }
        catch (Data.DatabaseBusyException e)
        {
            notify(Severity.Warning, "Not done", e.Message);
        }
        return false;
    }
}
