using MeteringConsole.Components.Layout;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace MeteringConsole.Components.Shared;

/// <summary>The two ways pages open dialogs: a form that returns what it saved, and a confirmation.</summary>
public static class DialogExtensions
{
    /// <summary>Opens a form dialog; returns what it closed with, or null when cancelled.</summary>
    public static async Task<TResult?> OpenFormAsync<TDialog, TResult>(this IDialogService dialogs, string title,
        DialogParameters? parameters = null, MaxWidth width = MaxWidth.Small)
        where TDialog : IComponent where TResult : class
    {
        var dialog = await dialogs.ShowAsync<TDialog>(title, parameters ?? new DialogParameters(), ConsoleTheme.FormDialog(width));
        var result = await dialog.Result;
        return result is { Canceled: false, Data: TResult data } ? data : null;
    }

    /// <summary>Asks before a destructive action; true only when the user chose <paramref name="confirm"/>.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string confirm)
    {
        var parameters = new DialogParameters<ConfirmDialog> { { d => d.Message, message }, { d => d.ConfirmText, confirm } };
        var dialog = await dialogs.ShowAsync<ConfirmDialog>(title, parameters,
            new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true, CloseButton = true });
        return await dialog.Result is { Canceled: false };
    }
}
