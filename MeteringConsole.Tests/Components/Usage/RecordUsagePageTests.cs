using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Features.Assets;
using MeteringConsole.Features.Usage;
using MeteringConsole.Tests.Components.Assets;

namespace MeteringConsole.Tests.Components.Usage;

public sealed class RecordUsagePageTests
{
    private static IElement TextButton(IRenderedComponent<RecordUsagePage> page, string text)
        => page.FindAll("button").First(b => b.TextContent.Trim() == text);

    private static string Preview(IRenderedComponent<RecordUsagePage> page) => page.Find("[data-testid=curl-preview]").TextContent;

    private static async Task FillNewAssetAsync(PageTestContext ctx, IRenderedComponent<RecordUsagePage> page, string source, string externalId, string value)
    {
        await page.InvokeAsync(() => page.Find(".mc-new-asset input[type=checkbox]").Change(true));
        page.WaitForAssertion(() => page.Find("input#asset_id"));
        await page.InvokeAsync(() => page.Find("input#source").Input(source));
        await page.InvokeAsync(() => page.Find("input#source").Blur());
        await page.InvokeAsync(() => page.Find("input#asset_id").Input(externalId));
        await page.InvokeAsync(() => page.Find(".mud-select:has(input#unit_type) .mud-input-control").MouseDown());
        ctx.Popovers.WaitForAssertion(() => ctx.Popovers.Find(".mud-popover-open .mud-list-item"));
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Trim() == AssetSeed.UnitType).Click());
        await page.InvokeAsync(() => page.Find("input#value").Input(value));
    }

    [Fact]
    public async Task ThePreviewFollowsTheFormAndTheReadingIsRecorded()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<RecordUsagePage>();
        page.WaitForAssertion(() => Assert.Contains("/api/v1/usage", Preview(page)));
        Assert.Contains("\"timestamp\": \"2026-11-21T12:00:00Z\"", Preview(page));

        await FillNewAssetAsync(ctx, page, "vmware", "vm-recorded", "12.5");
        await page.InvokeAsync(() => TextButton(page, "Add metadata").Click());
        await page.InvokeAsync(() => page.Find(".mc-metadata-key input").Input("env"));
        await page.InvokeAsync(() => page.Find(".mc-metadata-value input").Input("prod"));

        page.WaitForAssertion(() => Assert.Contains("\"asset_id\": \"vm-recorded\"", Preview(page)));
        Assert.Contains("\"unit_type\": \"vcpu-hours\"", Preview(page));
        Assert.Contains("\"value\": 12.5", Preview(page));
        Assert.Contains("\"env\": \"prod\"", Preview(page));

        await page.InvokeAsync(() => TextButton(page, "Submit").Click());
        page.WaitForAssertion(() => Assert.Contains("was recorded", page.Find(".mc-recorded").TextContent));
        Assert.Equal("assets?search=vm-recorded", page.Find(".mc-recorded a").GetAttribute("href"));
        var asset = await AssetSeed.AssetAsync(app, "vm-recorded");
        Assert.Equal("vmware", asset.SourceType);
    }

    [Fact]
    public async Task MissingFieldsAreExplainedInlineAndNothingIsSent()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<RecordUsagePage>();

        await page.InvokeAsync(() => TextButton(page, "Submit").Click());
        page.WaitForAssertion(() => Assert.Contains("Choose an asset", page.Markup));
        Assert.Contains("Choose a unit type", page.Markup);
        Assert.Contains("Enter a value", page.Markup);

        // The ingest's own rule on source names comes back as the field's message.
        await FillNewAssetAsync(ctx, page, "Bad Source!", "x", "1");
        await page.InvokeAsync(() => TextButton(page, "Submit").Click());
        page.WaitForAssertion(() => Assert.Contains("lower-case letters", page.Markup));
        Assert.Empty(page.FindAll(".mc-recorded"));
        Assert.Equal(0, (await ctx.Service<AssetService>().ListAsync(new AssetFilter(), new PageRequest())).Total);
    }
}
