using MeteringConsole.Common;
using Radzen;

namespace MeteringConsole.Components.Shared;

/// <summary>
/// Runs a page action and turns the services' exceptions into what the user sees: field
/// messages for bad input, a notification for refusals and conflicts.
/// </summary>
public static class UiFeedback
{
    /// <summary>True when the action succeeded. Validation errors go to <paramref name="fieldErrors"/> when given.</summary>
    public static async Task<bool> TryAsync(this NotificationService notifications, Func<Task> action,
        Action<IReadOnlyDictionary<string, string[]>>? fieldErrors = null, string? success = null)
    {
        try
        {
            await action();
            if (success is not null) notifications.Notify(NotificationSeverity.Success, success, duration: 4000);
            return true;
        }
        catch (ValidationException e) when (fieldErrors is not null)
        {
            fieldErrors(e.Errors);
        }
        catch (ValidationException e)
        {
            notifications.Notify(NotificationSeverity.Error, "Please correct the input", e.Message, duration: 8000);
        }
        catch (ConflictException e) when (fieldErrors is not null)
        {
            // Shown at the top of the form: the conflict concerns the whole input.
            fieldErrors(new Dictionary<string, string[]> { [""] = new[] { e.Message } });
        }
        catch (ConflictException e)
        {
            notifications.Notify(NotificationSeverity.Warning, "Not done", e.Message, duration: 8000);
        }
        catch (ForbiddenException e)
        {
            notifications.Notify(NotificationSeverity.Error, "Not allowed", e.Message, duration: 8000);
        }
        catch (NotFoundException e)
        {
            notifications.Notify(NotificationSeverity.Warning, "Not found", e.Message + " It may have been deleted.", duration: 8000);
        }
        return false;
    }
}
