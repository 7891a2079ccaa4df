using MeteringConsole.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace MeteringConsole.Tests.Components.Shared;

public sealed class ConfirmDialogTests
{
    [Fact]
    public async Task TheDestructiveActionIsRedNotPrimaryAndCancelRefusesIt()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var dialogs = ctx.Bunit.Services.GetRequiredService<IDialogService>();

        var answer = ctx.Dialogs.InvokeAsync(() => dialogs.ConfirmAsync("Delete client", "Delete Acme? This cannot be undone.", "Delete"));

        ctx.Dialogs.WaitForAssertion(() => ctx.Dialogs.Find(".mc-confirm-action"));
        var action = ctx.Dialogs.Find(".mc-confirm-action");
        Assert.Equal("Delete", action.TextContent.Trim());
        Assert.Contains("mud-button-filled-error", action.ClassName);
        Assert.DoesNotContain(ctx.Dialogs.FindAll(".mud-dialog button"), b => b.ClassName!.Contains("primary"));
        await ctx.Dialogs.InvokeAsync(() => ctx.Dialogs.FindAll(".mud-dialog button").First(b => b.TextContent.Trim() == "Cancel").Click());
        Assert.False(await answer);
    }

    [Fact]
    public async Task ConfirmingAnswersTrue()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var dialogs = ctx.Bunit.Services.GetRequiredService<IDialogService>();

        var answer = ctx.Dialogs.InvokeAsync(() => dialogs.ConfirmAsync("Finalize period", "Finalize 2026-10-01?", "Finalize"));
        ctx.Dialogs.WaitForAssertion(() => ctx.Dialogs.Find(".mc-confirm-action"));
        await ctx.Dialogs.InvokeAsync(() => ctx.Dialogs.Find(".mc-confirm-action").Click());

        Assert.True(await answer);
    }
}
