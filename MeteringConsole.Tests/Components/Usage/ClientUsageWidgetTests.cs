using MeteringConsole.Features.Clients;
using MeteringConsole.Features.Usage;
using MeteringConsole.Tests.Components.Assets;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Components.Usage;

/// <summary>The client page's usage widget (seed 003): the client's daily usage, and Record Usage with the client and unit type filled in.</summary>
public sealed class ClientUsageWidgetTests
{
    [Fact]
    public async Task AnOperatorRecordsUsageFromTheClientsWidgetWithClientAndUnitTypeFilledIn()
    {
        await using var app = await TestApp.CreateAsync();
        await AssetSeed.UnitTypeAsync(app);
        var client = await AssetSeed.ClientAsync(app, "Widget Works");
        await AssetSeed.IngestAsync(app, new[] { "vm-widget" }, client, value: 6);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);

        var page = ctx.Render<ClientDetailPage>(p => p.Add(c => c.Id, client));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=client-usage] svg")));
        var record = page.Find("[data-testid=client-usage] .mc-record-usage");
        Assert.Equal($"usage/record?client_id={client}&unit_type={AssetSeed.UnitType}", record.GetAttribute("href"));
        Assert.Contains(AssetSeed.UnitType, page.Find("[data-testid=client-usage] .mc-usage-unit-type").TextContent);

        ctx.Bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(record.GetAttribute("href")!);
        var form = ctx.Render<RecordUsagePage>();

        form.WaitForAssertion(() => Assert.Equal("Widget Works", form.Find("input#client_id").GetAttribute("value")));
        Assert.Contains($"\"unit_type\": \"{AssetSeed.UnitType}\"", form.Find("[data-testid=curl-preview]").TextContent);
        Assert.Contains($"\"client_id\": {client}", form.Find("[data-testid=curl-preview]").TextContent);
    }

    [Fact]
    public async Task AViewerSeesTheUsageButNoRecordButtonAndAQuietClientSaysSo()
    {
        await using var app = await TestApp.CreateAsync();
        var client = await AssetSeed.ClientAsync(app, "Quiet Co");
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<ClientDetailPage>(p => p.Add(c => c.Id, client));

        page.WaitForAssertion(() => Assert.Contains("No readings in the last 30 days.", page.Find("[data-testid=client-usage]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=client-usage] .mc-record-usage"));
    }
}
