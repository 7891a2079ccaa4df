using AngleSharp.Dom;
using MeteringConsole.Features.Billing;

namespace MeteringConsole.Tests.Components.Billing;

/// <summary>The Billing Buckets table as seed 002 draws it: one column per field, and an Enabled toggle.</summary>
public sealed class BucketsTableTests
{
    private static IReadOnlyList<IElement> Rows(IRenderedComponent<BucketsPage> page) => page.FindAll("tbody tr.mud-table-row");

    [Fact]
    public async Task EachOfSeed002sFieldsHasItsOwnColumn()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);

        var page = ctx.Render<BucketsPage>();

        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        var headers = page.FindAll("thead th").Select(th => th.TextContent.Trim()).Where(t => t.Length > 0).ToList();
        Assert.Equal(new[] { "ID", "Client", "Name", "Source Type", "Unit Type", "Aggregation", "Usage", "Commit", "Reviewed", "Enabled", "Actions" }, headers);
    }

    [Fact]
    public async Task AnOperatorTurnsABucketOffFromItsRowAndAViewerOnlySeesTheState()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        var toggle = page.FindAll("input.mud-switch-input, .mc-enabled input").First(i => i.GetAttribute("aria-label")?.StartsWith("Disable ") == true);
        var label = toggle.GetAttribute("aria-label")!;

        await page.InvokeAsync(() => toggle.Change(false));

        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Disabled ", ctx.Snackbars.Markup));
        var name = label["Disable ".Length..label.LastIndexOf(" of ", StringComparison.Ordinal)];
        var buckets = await ctx.Service<BucketService>().ListAsync(new BucketFilter(Search: name), new MeteringConsole.Common.PageRequest());
        Assert.Contains(buckets.Items, b => b.Name == name && !b.Enabled);

        await using var viewer = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var readOnly = viewer.Render<BucketsPage>();
        readOnly.WaitForAssertion(() => Assert.Equal(25, Rows(readOnly).Count));
        Assert.Empty(readOnly.FindAll(".mc-enabled"));
    }
}
