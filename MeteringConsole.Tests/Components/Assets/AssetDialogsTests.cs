using Bunit;
using MeteringConsole.Features.Assets;
using static MeteringConsole.Tests.Components.Assets.AssetsPageTests;

namespace MeteringConsole.Tests.Components.Assets;

/// <summary>The Assign and Bind dialogs, opened from an asset's row.</summary>
public sealed class AssetDialogsTests
{
    [Fact]
    public async Task OperatorAssignsAnUnassignedAssetToAClient()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        var acme = await AssetSeed.ClientAsync(app, "Acme Logistics");
        await AssetSeed.ClientAsync(app, "Globex");
        await AssetSeed.IngestAsync(app, ["vm-a", "vm-b"]);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = RenderAt(ctx, "assets?view=unassigned");
        page.WaitForAssertion(() => Assert.Equal(2, ExternalIds(page).Count));

        await page.InvokeAsync(() => Button(page, "Assign vm-a").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#client_id"));
        await dialog.InvokeAsync(() => dialog.Find("input#client_id").Focus());
        ctx.Popovers.WaitForAssertion(() => Assert.Equal(2, ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").Count));
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains("Acme")).Click());
        await dialog.InvokeAsync(() => TextButton(dialog, "Assign").Click());

        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-b" }, ExternalIds(page)));
        var assigned = await AssetSeed.AssetAsync(app, "vm-a");
        Assert.Equal((acme, true), (assigned.ClientId, assigned.Acknowledged));
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Assigned 1 asset(s) to Acme Logistics", ctx.Snackbars.Markup));
    }

    [Fact]
    public async Task AnUnboundAssetIsBoundToItsClientsOnlyBucket()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        var acme = await AssetSeed.ClientAsync(app, "Acme");
        await AssetSeed.IngestAsync(app, ["vm-a"], acme);
        var bucket = await AssetSeed.BucketAsync(app, acme, "Acme compute");
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = RenderAt(ctx, "assets?view=unbound");
        page.WaitForAssertion(() => Assert.Equal(new[] { "vm-a" }, ExternalIds(page)));

        await page.InvokeAsync(() => Button(page, "Bind vm-a").Click());
        var dialog = ctx.Dialogs;
        // The client's one bucket is chosen already.
        dialog.WaitForAssertion(() => Assert.Contains("Acme's vmware buckets", dialog.Markup));
        dialog.WaitForAssertion(() => Assert.False(TextButton(dialog, "Bind").HasAttribute("disabled")));
        await dialog.InvokeAsync(() => TextButton(dialog, "Bind").Click());

        page.WaitForAssertion(() => Assert.Contains("No unbound assets", page.Find(".mc-empty").TextContent));
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Bound to Acme compute", ctx.Snackbars.Markup));
        Assert.Equal(1, (await AssetSeed.AssetAsync(app, "vm-a")).Buckets);
        var bound = await app.Service<MeteringConsole.Features.Billing.BucketService>(TestApp.Admin).GetAsync(bucket);
        Assert.Contains("vm-a", bound.AssetIds);
    }

    [Fact]
    public async Task BindingWithoutABucketSaysWhereToCreateOne()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        var acme = await AssetSeed.ClientAsync(app, "Acme");
        await AssetSeed.IngestAsync(app, ["vm-a"], acme);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = RenderAt(ctx, "assets?view=unbound");
        page.WaitForAssertion(() => Assert.Single(ExternalIds(page)));

        await page.InvokeAsync(() => Button(page, "Bind vm-a").Click());

        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("No bucket to bind to", ctx.Dialogs.Markup));
        Assert.Contains("Acme has no vmware bucket yet", ctx.Dialogs.Markup);
        Assert.DoesNotContain(ctx.Dialogs.FindAll("button"), b => b.TextContent.Trim() == "Bind");
        await ctx.Dialogs.InvokeAsync(() => TextButton(ctx.Dialogs, "Close").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Empty(ctx.Dialogs.FindAll(".mud-dialog")));
    }
}
