using AngleSharp.Dom;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Monitors;
using MeteringConsole.Tests.Features.Billing;
using MudBlazor;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Components.Monitors;

public sealed class MonitorsPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    /// <summary>Acme: one commit-100 bucket (base 1.00, overage 1.50) with 110 units on 2026-11-10, so it bills 115.00.</summary>
    private static async Task<int> SeedAsync(TestApp app)
    {
        var data = BillingFixture.For(app);
        var source = await data.SourceAsync("vmware");
        var unit = await data.UnitTypeAsync("vcpu-hours");
        var acme = await data.ClientAsync("Acme Corp");
        var asset = await data.AssetAsync(source, "vm-acme", acme);
        var bucket = await data.BucketAsync(acme, source, unit, Aggregation.Sum, 100, 1, 1.5m, new[] { asset }, name: "Acme hours");
        await data.ReadingsAsync(asset, unit, (Utc(2026, 11, 10, 9), 110));
        return bucket;
    }

    private static IReadOnlyList<string> Names(IRenderedComponent<MonitorsPage> page)
        => page.FindAll(".mc-monitors-grid tbody tr.mud-table-row td:first-child").Select(e => e.TextContent.Trim()).ToList();

    private static IElement Button(IRenderedComponent<MudDialogProvider> dialog, string text)
        => dialog.FindAll("button").First(b => b.TextContent.Trim() == text);

    private static async Task ChooseAsync(PageTestContext ctx, IRenderedComponent<MudDialogProvider> dialog, string input, string item)
    {
        await dialog.InvokeAsync(() => dialog.Find($".mud-select:has(input#{input}) .mud-input-control").MouseDown());
        ctx.Popovers.WaitForAssertion(() => Assert.Contains(ctx.Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Trim() == item), Wait);
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Trim() == item).Click());
    }

    [Fact]
    public async Task AViewerSeesTheMonitorsWithoutEditControlsAndViewsTodaysValueWithAChart()
    {
        await using var app = await TestApp.CreateAsync();
        var bucket = await SeedAsync(app);
        await app.Service<MonitorService>(TestApp.Admin).CreateAsync(new MonitorInput("Billed so far", "Acme's hours", "contract", "billed_amount", bucket));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<MonitorsPage>();

        page.WaitForAssertion(() => Assert.Equal(new[] { "Billed so far" }, Names(page)), Wait);
        Assert.Contains("billed_amount · bucket Acme hours", page.Find(".mc-monitors-grid tbody tr.mud-table-row").TextContent);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Add monitor"));
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Actions"));

        // Choosing the row picks the monitor and, for a bucket's monitor, its customer; the date is today.
        await page.InvokeAsync(() => page.Find(".mc-monitors-grid tbody tr.mud-table-row").Click());
        page.WaitForAssertion(() => Assert.Equal("115.00 USD", page.Find("[data-testid=monitor-value]").TextContent.Trim()), Wait);
        Assert.Contains("2026-11-21 (net)", page.Find(".mc-monitor-viewer").TextContent);
        Assert.NotEmpty(page.FindAll(".mc-monitor-viewer svg"));

        await page.InvokeAsync(() => page.FindAll(".mc-mode input[type=radio]")[1].Click());
        page.WaitForAssertion(() => Assert.Equal("0.00 USD", page.Find("[data-testid=monitor-value]").TextContent.Trim()), Wait);
    }

    [Fact]
    public async Task TheDialogShowsOnlyTheFieldsOfItsSourceNamesAMissingFieldAndCreates()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<MonitorsPage>();
        page.WaitForAssertion(() => Assert.Contains("No monitors yet", page.Find(".mc-monitors-grid").TextContent), Wait);

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("Add monitor")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"), Wait);
        Assert.NotEmpty(dialog.FindAll("input#item"));
        Assert.Empty(dialog.FindAll("input#unit_type"));

        await dialog.InvokeAsync(() => dialog.Find("input#name").Change("Hours this period"));
        await dialog.InvokeAsync(() => Button(dialog, "Create").Click());
        dialog.WaitForAssertion(() => Assert.Contains("Item is required", dialog.Markup), Wait);

        await ChooseAsync(ctx, dialog, "source", "Usage Aggregate");
        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll("input#item")), Wait);
        await ChooseAsync(ctx, dialog, "unit_type", "vcpu-hours");
        await dialog.InvokeAsync(() => Button(dialog, "Create").Click());

        page.WaitForAssertion(() => Assert.Equal(new[] { "Hours this period" }, Names(page)), Wait);
        var created = Assert.Single((await ctx.Service<MonitorService>().ListAsync(new PageRequest())).Items);
        Assert.Equal(("usage_aggregate", (string?)null, "vcpu-hours", "sum"), (created.Source, created.Item, created.UnitType, created.Aggregation));
    }

    [Fact]
    public async Task DeletingAsksFirst()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app);
        await app.Service<MonitorService>(TestApp.Admin).CreateAsync(new MonitorInput("Invoice", "", "contract", "invoice_total"));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<MonitorsPage>();
        page.WaitForAssertion(() => Assert.Equal(new[] { "Invoice" }, Names(page)), Wait);

        await page.InvokeAsync(() => page.Find("button[aria-label='Delete Invoice']").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("Delete the monitor Invoice?", ctx.Dialogs.Markup), Wait);
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Cancel").Click());
        Assert.Single((await ctx.Service<MonitorService>().ListAsync(new PageRequest())).Items);

        await page.InvokeAsync(() => page.Find("button[aria-label='Delete Invoice']").Click());
        ctx.Dialogs.WaitForAssertion(() => Button(ctx.Dialogs, "Delete"), Wait);
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Delete").Click());
        page.WaitForAssertion(() => Assert.Empty(Names(page)), Wait);
        Assert.Empty((await ctx.Service<MonitorService>().ListAsync(new PageRequest())).Items);
    }
}
