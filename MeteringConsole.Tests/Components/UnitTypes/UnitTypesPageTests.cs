using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Features.UnitTypes;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Components.UnitTypes;

public sealed class UnitTypesPageTests
{
    private static async Task SeedAsync(TestApp app, int count)
    {
        var unitTypes = app.Service<UnitTypeService>(TestApp.Admin);
        for (var i = 1; i <= count; i++)
            await unitTypes.CreateAsync(new UnitTypeInput($"unit-{i:00}", $"unit number {i}", "sum", false, 1, 2, null));
    }

    private static IReadOnlyList<string> Names(IRenderedComponent<UnitTypesPage> page)
        => page.FindAll("tbody tr.mud-table-row td:first-child").Select(td => td.TextContent.Trim()).ToList();

    [Fact]
    public async Task ViewerSeesUnitTypesButNoEditControls()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 2);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<UnitTypesPage>();

        page.WaitForAssertion(() => Assert.Equal(new[] { "unit-01", "unit-02" }, Names(page)));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("New unit type"));
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Actions"));
    }

    [Fact]
    public async Task EditorWithNoUnitTypesIsToldHowToStart()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);

        var page = ctx.Render<UnitTypesPage>();

        page.WaitForAssertion(() => Assert.Contains("Create one with New unit type", page.Find(".mc-empty").TextContent));
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Contains("New unit type"));
    }

    [Fact]
    public async Task GridAsksTheServiceForOnePageSortedByTheClickedColumn()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 30);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<UnitTypesPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Names(page).Count));
        Assert.Equal("unit-01", Names(page)[0]);

        // Name ascending, then descending: the service sorts all 30, not just the page shown.
        await page.InvokeAsync(() => page.Find("th .mud-button-root").Click());
        page.WaitForAssertion(() => Assert.Equal("unit-01", Names(page)[0]));
        await page.InvokeAsync(() => page.Find("th .mud-button-root").Click());
        page.WaitForAssertion(() => Assert.Equal("unit-30", Names(page)[0]));
        Assert.Contains("1-25 of 30", page.Find(".mud-table-pagination").TextContent);
    }

    [Fact]
    public async Task OperatorCreatesAUnitTypeThroughTheDialog()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);
        var page = ctx.Render<UnitTypesPage>();
        page.WaitForAssertion(() => page.Find(".mc-empty"));

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New unit type")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"));
        await dialog.InvokeAsync(() => dialog.Find("input#name").Change("vcpu-hours"));
        await dialog.InvokeAsync(() => dialog.Find("input#base_rate").Change("0.0125"));
        await dialog.InvokeAsync(() => dialog.Find("input#overage_rate").Change("0.02"));
        await dialog.InvokeAsync(() => dialog.Find("input#filter_pattern").Change("vm-*"));
        await dialog.InvokeAsync(() => Button(dialog, "Save").Click());

        page.WaitForAssertion(() => Assert.Equal(new[] { "vcpu-hours" }, Names(page)));
        var saved = (await ctx.Service<UnitTypeService>().ListAsync(new UnitTypeFilter(), new Common.PageRequest())).Items.Single();
        Assert.Equal((0.0125m, 0.02m, "vm-*"), (saved.BaseRate, saved.OverageRate, saved.FilterPattern));
        Assert.Contains("vm-*", page.Markup);
    }

    [Fact]
    public async Task DialogShowsTheServicesValidationMessagesAndSavesNothing()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<UnitTypesPage>();
        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New unit type")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#filter_pattern"));
        await dialog.InvokeAsync(() => dialog.Find("input#filter_pattern").Change("vm-[0-9]*"));
        await dialog.InvokeAsync(() => Button(dialog, "Save").Click());

        dialog.WaitForAssertion(() => Assert.Contains("Name is required", dialog.Markup));
        Assert.Contains("only * and ?", dialog.Markup);
        Assert.Equal(0, (await ctx.Service<UnitTypeService>().ListAsync(new UnitTypeFilter(), new Common.PageRequest())).Total);
    }

    [Fact]
    public async Task OperatorEditsAUnitTypeAndDeletesItOnlyAfterConfirming()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 1);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<UnitTypesPage>();
        page.WaitForAssertion(() => Assert.Equal(new[] { "unit-01" }, Names(page)));

        await page.InvokeAsync(() => page.Find("button[aria-label='Edit unit-01']").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => Assert.Equal("2.00", dialog.Find("input#overage_rate").GetAttribute("value")));
        await dialog.InvokeAsync(() => dialog.Find("input#overage_rate").Change("0.03"));
        await dialog.InvokeAsync(() => Button(dialog, "Save").Click());
        page.WaitForAssertion(() => Assert.Contains("0.03", page.Find("tbody tr.mud-table-row").TextContent));
        var service = ctx.Service<UnitTypeService>();
        Assert.Equal(0.03m, (await service.ListAsync(new UnitTypeFilter(), new Common.PageRequest())).Items.Single().OverageRate);

        // Delete asks first: cancelling keeps it, confirming removes it.
        await page.InvokeAsync(() => page.Find("button[aria-label='Delete unit-01']").Click());
        dialog.WaitForAssertion(() => Assert.Contains("Delete the unit type unit-01?", dialog.Markup));
        await dialog.InvokeAsync(() => Button(dialog, "Cancel").Click());
        Assert.Equal(1, (await service.ListAsync(new UnitTypeFilter(), new Common.PageRequest())).Total);
        await page.InvokeAsync(() => page.Find("button[aria-label='Delete unit-01']").Click());
        dialog.WaitForAssertion(() => Button(dialog, "Delete"));
        await dialog.InvokeAsync(() => Button(dialog, "Delete").Click());
        page.WaitForAssertion(() => Assert.Empty(Names(page)));
        Assert.Equal(0, (await service.ListAsync(new UnitTypeFilter(), new Common.PageRequest())).Total);
    }

    [Fact]
    public async Task AUnitTypeInUseOffersNoDeleteAndSaysWhatUsesIt()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        await ctx.Service<UnitTypeService>().CreateAsync(new UnitTypeInput("unused-units", null, "sum", false, 1, 2, null));
        var page = ctx.Render<UnitTypesPage>();
        page.WaitForAssertion(() => Assert.Contains("vcpu-hours", Names(page)));

        var inUse = page.Find("button[aria-label='Delete vcpu-hours']");
        Assert.True(inUse.HasAttribute("disabled"));
        Assert.Equal("vcpu-hours is used by usage readings and cannot be deleted.", inUse.ParentElement!.GetAttribute("title"));
        await page.InvokeAsync(() => inUse.Click());
        Assert.DoesNotContain("Delete the unit type", ctx.Dialogs.Markup);
        // One nothing uses is offered, behind its confirmation.
        Assert.False(page.Find("button[aria-label='Delete unused-units']").HasAttribute("disabled"));
    }

    private static IElement Button(IRenderedComponent<MudBlazor.MudDialogProvider> dialog, string text)
        => dialog.FindAll("button").First(b => b.TextContent.Trim() == text);
}
