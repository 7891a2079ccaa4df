using MeteringConsole.Features.Usage;
using static MeteringConsole.Tests.Components.Assets.AssetsPageTests;

namespace MeteringConsole.Tests.Components.Assets;

/// <summary>The Assets table's Enabled column (seed 002), and dialogs titled by the asset's name rather than its external id.</summary>
public sealed class AssetEnabledTests
{
    private const string Uuid = "4213a2f1-9c3e-4c1d-b0de-5e1c2f7a9b10";

    private static async Task<int> NamedAssetAsync(TestApp app)
    {
        await AssetSeed.UnitTypeAsync(app);
        var acme = await AssetSeed.ClientAsync(app, "Acme");
        await app.Service<IngestService>(TestApp.Admin).IngestAsync(
            [new UsageEvent("named-1", TestClock.Now.AddDays(-1), "vmware", Uuid, AssetSeed.UnitType, 1, acme, "web-01")]);
        return acme;
    }

    [Fact]
    public async Task AnOperatorDisablesAndEnablesAnAssetFromItsRow()
    {
        await using var app = await TestApp.CreateAsync();
        await NamedAssetAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = RenderAt(ctx, "assets");
        page.WaitForAssertion(() => Assert.Single(ExternalIds(page)));

        await page.InvokeAsync(() => page.Find("[aria-label='Disable web-01'] input, input[aria-label='Disable web-01']").Change(false));

        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Disabled web-01", ctx.Snackbars.Markup));
        Assert.False((await AssetSeed.AssetAsync(app, Uuid)).Enabled);
        page.WaitForAssertion(() => page.Find("input[aria-label='Enable web-01'], [aria-label='Enable web-01'] input"));
    }

    [Fact]
    public async Task AViewerSeesWhetherAnAssetIsEnabledButNoToggle()
    {
        await using var app = await TestApp.CreateAsync();
        await NamedAssetAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = RenderAt(ctx, "assets");

        page.WaitForAssertion(() => Assert.Single(ExternalIds(page)));
        Assert.Empty(page.FindAll(".mc-enabled"));
        Assert.Contains("Enabled", page.Find("tbody tr.mud-table-row").TextContent);
    }

    [Fact]
    public async Task TheBindDialogIsTitledByTheAssetsNameNotItsUuid()
    {
        await using var app = await TestApp.CreateAsync();
        var acme = await NamedAssetAsync(app);
        await AssetSeed.BucketAsync(app, acme, "Acme compute");
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = RenderAt(ctx, "assets?view=unbound");
        page.WaitForAssertion(() => Assert.Single(ExternalIds(page)));

        await page.InvokeAsync(() => Button(page, $"Bind {Uuid}").Click());

        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("Bind web-01", ctx.Dialogs.Find(".mud-dialog-title").TextContent));
        Assert.DoesNotContain(Uuid, ctx.Dialogs.Find(".mud-dialog-title").TextContent);
    }
}
