using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Features.Assets;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Components.Assets;

public sealed class AssetsPageTests
{
    internal static IReadOnlyList<string> ExternalIds(IRenderedComponent<AssetsPage> page)
        => page.FindAll("tbody .mc-external-id").Select(e => e.TextContent.Trim()).ToList();

    internal static IElement Button(IRenderedComponent<AssetsPage> page, string ariaLabel) => page.Find($"button[aria-label='{ariaLabel}']");

    internal static IElement TextButton<T>(IRenderedComponent<T> root, string text) where T : Microsoft.AspNetCore.Components.IComponent
        => root.FindAll("button").First(b => b.TextContent.Trim() == text);

    private static IElement RowCheckbox(IRenderedComponent<AssetsPage> page, string externalId)
        => page.FindAll("tbody tr.mud-table-row").First(tr => tr.QuerySelector(".mc-external-id")?.TextContent.Trim() == externalId)
            .QuerySelector("input[type=checkbox]")!;

    /// <summary>The page at an address: its query parameters come from the navigation manager.</summary>
    internal static IRenderedComponent<AssetsPage> RenderAt(PageTestContext ctx, string relativeUri)
    {
        ctx.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUri);
        return ctx.Render<AssetsPage>();
    }

    [Fact]
    public async Task ViewerSeesAssetsButNoEditControls()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        await AssetSeed.IngestAsync(app, ["vm-a", "vm-b"]);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<AssetsPage>();

        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-a", "vm-b" }, ExternalIds(page)));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Acknowledge") || b.TextContent.Contains("Assign"));
        Assert.Empty(page.FindAll("button[aria-label^='Disregard ']"));
        Assert.Empty(page.FindAll("button[aria-label^='Assign ']"));
        Assert.Empty(page.FindAll("input[type=checkbox]"));
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Actions"));
        Assert.DoesNotContain("Select rows for bulk actions", page.Markup);
    }

    [Fact]
    public async Task AnEmptyRegistryExplainsWhereAssetsComeFrom()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);

        var page = ctx.Render<AssetsPage>();

        page.WaitForAssertion(() => Assert.Contains("No assets", page.Find(".mc-empty").TextContent));
        Assert.Contains("POST /api/v1/usage", page.Find(".mc-empty").TextContent);
    }

    [Fact]
    public async Task GridAsksTheServiceForOnePageSortedByTheClickedColumn()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        await AssetSeed.IngestAsync(app, Enumerable.Range(1, 30).Select(i => $"vm-{i:00}"));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<AssetsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, ExternalIds(page).Count));

        // Asset ID ascending, then descending: the service sorts all 30, not just the page shown.
        var header = page.FindAll("th").First(th => th.TextContent.Contains("Asset ID"));
        await page.InvokeAsync(() => header.QuerySelector(".mud-button-root")!.Click());
        page.WaitForAssertion(() => Assert.Equal("vm-01", ExternalIds(page)[0]));
        header = page.FindAll("th").First(th => th.TextContent.Contains("Asset ID"));
        await page.InvokeAsync(() => header.QuerySelector(".mud-button-root")!.Click());
        page.WaitForAssertion(() => Assert.Equal("vm-30", ExternalIds(page)[0]));
        Assert.Contains("1-25 of 30", page.Find(".mud-table-pagination").TextContent);
    }

    [Fact]
    public async Task EachViewShowsItsAssetsAndTheViewsCountThem()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        var client = await AssetSeed.ClientAsync(app, "Acme");
        await AssetSeed.IngestAsync(app, ["vm-free"]);
        await AssetSeed.IngestAsync(app, ["vm-owned"], client);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);

        var page = RenderAt(ctx, "assets?view=unassigned");

        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-free" }, ExternalIds(page)));
        Assert.Contains("Assets without a client", page.Markup);
        Assert.Contains("Unassigned", page.Find(".mc-views .mc-view-selected").TextContent);
        var views = page.FindAll(".mc-views button").Select(b => b.TextContent.Trim()).ToList();
        Assert.Equal(new[] { "All (2)", "New (2)", "Unassigned (1)", "Unbound (1)", "Disregarded (0)" }, views);

        await page.InvokeAsync(() => page.FindAll(".mc-views button").First(b => b.TextContent.Contains("Unbound")).Click());
        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-owned" }, ExternalIds(page)));
        await page.InvokeAsync(() => page.FindAll(".mc-views button").First(b => b.TextContent.Contains("Disregarded")).Click());
        page.WaitForAssertion(() => Assert.Contains("No disregarded assets", page.Find(".mc-empty").TextContent));
    }

    [Fact]
    public async Task SelectedRowsAreAcknowledgedTogether()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        await AssetSeed.IngestAsync(app, ["vm-a", "vm-b", "vm-c"]);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = RenderAt(ctx, "assets?view=new");
        page.WaitForAssertion(() => Assert.Equal(3, ExternalIds(page).Count));
        Assert.True(TextButton(page, "Acknowledge").HasAttribute("disabled"));

        await page.InvokeAsync(() => RowCheckbox(page, "vm-a").Change(true));
        await page.InvokeAsync(() => RowCheckbox(page, "vm-c").Change(true));
        page.WaitForAssertion(() => Assert.Contains("2 selected", page.Markup));
        await page.InvokeAsync(() => TextButton(page, "Acknowledge").Click());

        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-b" }, ExternalIds(page)));
        Assert.True((await AssetSeed.AssetAsync(app, "vm-a")).Acknowledged);
        Assert.True((await AssetSeed.AssetAsync(app, "vm-c")).Acknowledged);
        Assert.False((await AssetSeed.AssetAsync(app, "vm-b")).Acknowledged);
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Acknowledged 2 assets", ctx.Snackbars.Markup));
    }

    [Fact]
    public async Task DisregardAsksForConfirmationAndRestoreBringsTheAssetBack()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        await AssetSeed.IngestAsync(app, ["vm-a", "vm-b"]);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<AssetsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, ExternalIds(page).Count));

        // Cancelling keeps the asset.
        await page.InvokeAsync(() => Button(page, "Disregard vm-a").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("excluded from billing", ctx.Dialogs.Markup));
        await ctx.Dialogs.InvokeAsync(() => TextButton(ctx.Dialogs, "Cancel").Click());
        Assert.False((await AssetSeed.AssetAsync(app, "vm-a")).Disregarded);

        await page.InvokeAsync(() => Button(page, "Disregard vm-a").Click());
        ctx.Dialogs.WaitForAssertion(() => TextButton(ctx.Dialogs, "Disregard"));
        await ctx.Dialogs.InvokeAsync(() => TextButton(ctx.Dialogs, "Disregard").Click());
        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-b" }, ExternalIds(page)));
        Assert.True((await AssetSeed.AssetAsync(app, "vm-a")).Disregarded);

        await page.InvokeAsync(() => page.FindAll(".mc-views button").First(b => b.TextContent.Contains("Disregarded")).Click());
        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-a" }, ExternalIds(page)));
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Restore");
        await page.InvokeAsync(() => Button(page, "Restore vm-a").Click());
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Restored vm-a", ctx.Snackbars.Markup));
        Assert.False((await AssetSeed.AssetAsync(app, "vm-a")).Disregarded);
        page.WaitForAssertion(() => Assert.Contains("No disregarded assets", page.Find(".mc-empty").TextContent));
    }

    [Fact]
    public async Task ARowExpandsToItsThirtyDayUsageChart()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        await AssetSeed.IngestAsync(app, ["vm-a"]);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<AssetsPage>();
        page.WaitForAssertion(() => Assert.Single(ExternalIds(page)));
        Assert.Empty(page.FindAll("[data-testid=asset-usage]"));

        // The viewer's first column is the expander (no selection column).
        await page.InvokeAsync(() => page.Find("tbody tr.mud-table-row td:first-child button").Click());

        page.WaitForAssertion(() => Assert.Contains("Usage (last 30 days) · vmware / vm-a", page.Find("[data-testid=asset-usage]").TextContent));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-unit-type='vcpu-hours'] svg")));
    }
}
