using Microsoft.AspNetCore.Components;

namespace MeteringConsole.Tests.Infrastructure;

public static class SelectChoice
{
    /// <summary>Opens the MudSelect carrying <paramref name="selectClass"/> and clicks the item whose text is <paramref name="item"/>.</summary>
    public static async Task ChooseAsync<T>(this PageTestContext ctx, IRenderedComponent<T> page, string selectClass, string item) where T : IComponent
    {
        await page.InvokeAsync(() => page.Find($".mud-input-control.{selectClass}, .{selectClass} .mud-input-control").MouseDown());
        ctx.Popovers.WaitForAssertion(() => Assert.Contains(ctx.Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Trim() == item));
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Trim() == item).Click());
    }
}
