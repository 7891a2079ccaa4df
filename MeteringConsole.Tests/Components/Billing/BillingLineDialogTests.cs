using Bunit;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using MudBlazor;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Components.Billing;

/// <summary>The Details action of a bucket line: what the line was billed as, and its usage by asset and by day.</summary>
public sealed class BillingLineDialogTests
{
    [Fact]
    public async Task DetailsShowTheBilledValuesAndTheUsageByAssetAndByDayAggregatedAsBilled()
    {
        await using var app = await TestApp.CreateAsync();
        var data = BillingFixture.For(app);
        var client = await data.ClientAsync("Müller GmbH");
        var source = await data.SourceAsync("vmware");
        var unit = await data.UnitTypeAsync("vcpu", Aggregation.Max);
        var (a, b, unbound) = (await data.AssetAsync(source, "vm-a", client, name: "Alpha"), await data.AssetAsync(source, "vm-b", client),
            await data.AssetAsync(source, "vm-c", client));
        // Max per asset, summed over the assets: a = max(10, 30, 20) = 30, b = max(7, 5) = 7; 37 in all.
        // 2026-11-01 00:00 is November's (999 would be the max), vm-c is not bound to the bucket.
        await data.ReadingsAsync(a, unit, (Utc(2026, 10, 3, 8), 10), (Utc(2026, 10, 3, 20), 30), (Utc(2026, 10, 20, 1), 20), (Utc(2026, 11, 1), 999));
        await data.ReadingsAsync(b, unit, (Utc(2026, 10, 9, 10), 7), (Utc(2026, 10, 9, 11), 5));
        await data.ReadingsAsync(unbound, unit, (Utc(2026, 10, 9, 10), 500));
        await data.BucketAsync(client, source, unit, Aggregation.Max, commit: 30, baseRate: 1, overageRate: 2, new[] { a, b }, name: "Compute vCPU");
        await app.Service<BillingRunService>(TestApp.Operator).RunAsync("2026-10-01");
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<BillingReadingsPage>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll(".mc-statements tbody tr.mud-table-row")));

        await page.InvokeAsync(() => page.Find(".mc-statements tbody tr.mud-table-row button").Click());
        page.WaitForAssertion(() => Assert.Single(page.FindAll(".mc-line-details-open")));
        await page.InvokeAsync(() => page.Find(".mc-line-details-open").Click());

        ctx.Dialogs.WaitForAssertion(() => Assert.NotEmpty(ctx.Dialogs.FindAll(".mc-by-asset")));
        var dialog = ctx.Dialogs;
        Assert.Contains("Compute vCPU · 2026-10-01 – 2026-10-31", dialog.Find(".mud-dialog-title").TextContent);
        string Field(string name) => dialog.Find($"[data-field='{name}']").TextContent.Trim();
        Assert.Equal(("Compute vCPU", "vmware", "vcpu", "max"), (Field("bucket_name"), Field("source_type"), Field("unit_type"), Field("aggregation")));
        Assert.Equal(("30", "37", "1 USD", "2 USD", "44.00 USD"), (Field("commit"), Field("total_usage"), Field("base_rate"), Field("overage_rate"), Field("final_cost")));
        var assets = dialog.FindAll(".mc-by-asset tbody tr").Select(r => (r.GetAttribute("data-asset") ?? "", r.Children[2].TextContent.Trim())).ToList();
        Assert.Equal(new[] { ("vm-a", "30"), ("vm-b", "7") }, assets);
        Assert.Contains("Alpha", dialog.Find(".mc-by-asset").TextContent);

        var chart = dialog.FindComponent<MudChart<double>>().Instance;
        var bars = Assert.Single(chart.ChartSeries).Data.Values.ToList();
        Assert.Equal(31, bars.Count);
        Assert.Equal((30d, 7d, 20d), (bars[2], bars[8], bars[19]));
        Assert.Equal(57d, bars.Sum());
        Assert.Equal("10-01", chart.ChartLabels[0]);
    }

    [Fact]
    public async Task DetailsOfALineOfAnotherClientAreRefusedToAScopedKey()
    {
        await using var app = await TestApp.CreateAsync();
        var data = BillingFixture.For(app);
        var (mine, other) = (await data.ClientAsync("Mine"), await data.ClientAsync("Other"));
        var source = await data.SourceAsync("vmware");
        var unit = await data.UnitTypeAsync("hours");
        var asset = await data.AssetAsync(source, "vm-o", other);
        await data.ReadingsAsync(asset, unit, (Utc(2026, 10, 5), 3));
        await data.BucketAsync(other, source, unit, Aggregation.Sum, 1, 1, 1, new[] { asset });
        await app.Service<BillingRunService>(TestApp.Operator).RunAsync("2026-10-01");
        var line = Assert.Single((await app.Service<BillingReadingService>(TestApp.Viewer).ReadingsAsync("2026-10-01", null, null, new())).Items);

        Assert.Equal(3m, Assert.Single((await app.Service<BillingReadingService>(TestApp.Viewer).LineDetailsAsync(line.Id)).ByAsset).Usage);
        await Assert.ThrowsAsync<MeteringConsole.Common.NotFoundException>(
            () => app.Service<BillingReadingService>(TestApp.Viewer with { ClientScope = mine }).LineDetailsAsync(line.Id));
    }
}
