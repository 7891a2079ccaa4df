using AngleSharp.Dom;
using MeteringConsole.Common;
using Microsoft.AspNetCore.Components.Web;
using MeteringConsole.Features.OverUnder;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Features.OverUnder;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Components.OverUnder;

public sealed class OverUnderPageTests
{
    private static IReadOnlyList<IElement> Rows(IRenderedComponent<OverUnderPage> page)
        => page.FindAll("[data-testid=over-under-clients] tbody tr.mud-table-row");

    private static async Task<OverUnderFixture> WorkedExampleAsync(TestApp app)
    {
        var data = new OverUnderFixture(BillingFixture.For(app), app.Db, app.Services.GetRequiredService<BillingSettings>());
        await data.WorkedExampleAsync();
        return data;
    }

    [Fact]
    public async Task ViewerSeesTheSamplesLatestClosedPeriodWithTheServicesFigures()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var expected = (await ctx.Service<OverUnderService>().ReportAsync(new OverUnderQuery()))!;

        var page = ctx.Render<OverUnderPage>();

        page.WaitForAssertion(() => Assert.Equal(Math.Min(25, expected.Counts.All), Rows(page).Count));
        Assert.Contains($"All Clients ({expected.Counts.All})", page.Find("[data-testid=filter-all]").TextContent);
        Assert.Contains($"Under Commit ({expected.Counts.Under})", page.Find("[data-testid=filter-under]").TextContent);
        Assert.Equal("Both over and under buckets", page.Find("[data-testid=filter-mixed]").GetAttribute("title"));
        Assert.Contains(expected.TotalBufferCost.ToString("N2"), page.Find("[data-testid=total-buffer]").TextContent);
        Assert.Equal(expected.Trend.Count, page.FindAll("[data-testid=trend-table] tbody tr").Count);
        Assert.Contains("Overage = $ billed above commit. Buffer = $ paid for unused capacity.", page.Markup);
        Assert.Contains("Three lenses on renewal strategy", page.Markup);
        Assert.Equal(expected.ByUnitType.Count, page.FindAll("[data-testid=by-unit-type] tbody tr").Count);
    }

    [Fact]
    public async Task TheStatusFilterAsksTheServiceForThoseClients()
    {
        await using var app = await TestApp.CreateAsync();
        await WorkedExampleAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<OverUnderPage>();
        page.WaitForAssertion(() => Assert.Equal(4, Rows(page).Count));

        await page.InvokeAsync(() => page.Find("[data-testid=filter-under]").Closest(".mud-toggle-item")!.Click());

        page.WaitForAssertion(() => Assert.Contains("Cobalt", Rows(page).Single().TextContent));
        Assert.Contains("Under", Rows(page).Single().QuerySelector(".mc-status-chip")!.TextContent);
        Assert.Equal("clients/" + (await ctx.Service<OverUnderService>().ReportAsync(new OverUnderQuery(Status: OverUnderFilter.Under)))!.Clients[0].ClientId,
            Rows(page).Single().QuerySelector("a")!.GetAttribute("href"));
    }

    [Fact]
    public async Task AUnitTypeNarrowsThePageAndClearWidensItAgain()
    {
        await using var app = await TestApp.CreateAsync();
        await WorkedExampleAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<OverUnderPage>();
        page.WaitForAssertion(() => Assert.Equal(4, Rows(page).Count));

        await ctx.ChooseAsync(page, "mc-unit-type", "vcpu");

        page.WaitForAssertion(() => Assert.Equal(3, Rows(page).Count));
        Assert.Contains("Unit type: vcpu", page.Find("[data-testid=right-size-unit-type]").TextContent);
        Assert.Contains("No client is under commit in this period.", page.Find("[data-testid=right-size]").TextContent);
        await page.InvokeAsync(() => page.Find("[data-testid=filter-under]").Closest(".mud-toggle-item")!.Click());
        page.WaitForAssertion(() => Assert.Contains("No clients match this filter.", page.Find("[data-testid=over-under-clients]").TextContent));

        await page.InvokeAsync(() => page.Find("[data-testid=right-size-unit-type] .mc-clear").Click());

        page.WaitForAssertion(() => Assert.Contains("Cobalt", Rows(page).Single().TextContent));
        Assert.Contains("Unit type: all", page.Find("[data-testid=right-size-unit-type]").TextContent);
    }

    [Fact]
    public async Task RightSizeAndUnitTypeTablesShowTheWorkedExample()
    {
        await using var app = await TestApp.CreateAsync();
        await WorkedExampleAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<OverUnderPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=right-size] tbody tr").Count));
        var first = page.FindAll("[data-testid=right-size] tbody tr")[0].TextContent;
        Assert.Contains("Cobalt", first);
        Assert.Contains("130 ram-gb", first);
        Assert.Contains("65.0%", first);
        Assert.Contains("95.00 USD", page.Find("[data-testid=total-buffer]").TextContent);
        var ram = page.Find("[data-testid=by-unit-type] tr[data-unit-type=ram-gb]").TextContent;
        Assert.Contains("−160", ram);
        Assert.Contains("Δ Units", page.Find("[data-testid=by-unit-type] thead").TextContent);
    }

    [Fact]
    public async Task AnotherPeriodShowsThatPeriodsFiguresFromTheService()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var september = (await ctx.Service<OverUnderService>().ReportAsync(new OverUnderQuery("2026-09-01")))!;
        var page = ctx.Render<OverUnderPage>();
        page.WaitForAssertion(() => Assert.Contains("2026-10-01 – 2026-10-31", page.Markup));

        await ctx.ChooseAsync(page, "mc-period", "2026-09-01");

        page.WaitForAssertion(() => Assert.Contains($"{september.PeriodStart} – {september.PeriodEnd}", page.Markup));
        Assert.Contains($"All Clients ({september.Counts.All})", page.Find("[data-testid=filter-all]").TextContent);
        Assert.Contains($"Over Commit ({september.Counts.Over})", page.Find("[data-testid=filter-over]").TextContent);
        Assert.Contains(september.TotalBufferCost.ToString("N2"), page.Find("[data-testid=total-buffer]").TextContent);
        Assert.Contains(september.Clients[0].Name, Rows(page)[0].TextContent);
        Assert.Contains(september.Clients[0].FinalCost.ToString("N2"), Rows(page)[0].TextContent);
        // The trend ends with the chosen period.
        Assert.Equal(september.Trend.Count, page.FindAll("[data-testid=trend-table] tbody tr").Count);
    }

    [Fact]
    public async Task ClickingAHeadingSortsTheClientsOnTheServerDefinitionsAndAll()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var service = ctx.Service<OverUnderService>();
        var page = ctx.Render<OverUnderPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        IElement Heading() => page.FindAll("[data-testid=over-under-clients] th").First(th => th.TextContent.Contains("Final Cost"));

        // A heading with its definition still sorts: ascending, then descending.
        await page.InvokeAsync(() => Heading().QuerySelector(".mud-button-root")!.Click());
        var ascending = (await service.ReportAsync(new OverUnderQuery(Take: 25, OrderBy: "FinalCost")))!.Clients;
        page.WaitForAssertion(() => Assert.Contains(ascending[0].Name, Rows(page)[0].TextContent));
        await page.InvokeAsync(() => Heading().QuerySelector(".mud-button-root")!.Click());
        var descending = (await service.ReportAsync(new OverUnderQuery(Take: 25, OrderBy: "FinalCost desc")))!.Clients;
        page.WaitForAssertion(() => Assert.Contains(descending[0].Name, Rows(page)[0].TextContent));
        Assert.Contains(descending[0].FinalCost.ToString("N2"), Rows(page)[0].TextContent);
        Assert.True(descending[0].FinalCost > ascending[0].FinalCost);
    }

    [Theory]
    [InlineData("Status", OverUnderDefinitions.Status)]
    [InlineData("Final Cost", OverUnderDefinitions.FinalCost)]
    [InlineData("vs Commit", OverUnderDefinitions.VsCommit)]
    [InlineData("Overage", OverUnderDefinitions.Overage)]
    [InlineData("Buffer", OverUnderDefinitions.Buffer)]
    [InlineData("Committed ($)", OverUnderDefinitions.Committed)]
    [InlineData("Buffer ($)", OverUnderDefinitions.Buffer)]
    [InlineData("Buffer Units", OverUnderDefinitions.BufferUnits)]
    [InlineData("% Unused", OverUnderDefinitions.PercentUnused)]
    [InlineData("Δ Units", OverUnderDefinitions.DeltaUnits)]
    [InlineData("Overage $", OverUnderDefinitions.Overage)]
    [InlineData("Buffer $", OverUnderDefinitions.Buffer)]
    public async Task EachFiguresHeadingShowsItsDefinitionOnHover(string heading, string definition)
    {
        await using var app = await TestApp.CreateAsync();
        await WorkedExampleAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<OverUnderPage>();
        page.WaitForAssertion(() => Assert.Equal(4, Rows(page).Count));
        var defined = page.FindAll(".mc-defined").Where(d => d.TextContent.Trim() == heading).ToList();
        Assert.Single(defined);
        Assert.DoesNotContain(definition, ctx.Popovers.Markup);

        await page.InvokeAsync(() => defined[0].Closest(".mud-tooltip-root")!.TriggerEvent("onpointerenter", new PointerEventArgs()));

        ctx.Popovers.WaitForAssertion(() => Assert.Contains(definition, ctx.Popovers.Find(".mud-popover-open").TextContent));
    }

    [Fact]
    public async Task NothingBilledSaysSo()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer);

        var page = ctx.Render<OverUnderPage>();

        page.WaitForAssertion(() => Assert.Contains("No billing readings found for this period.", page.Find(".mc-empty").TextContent));
    }
}
