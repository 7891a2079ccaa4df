using Bunit;
using MeteringConsole.Features.Assets;
using MeteringConsole.Features.Dashboard;
using Microsoft.EntityFrameworkCore;
using DashboardPage = MeteringConsole.Features.Dashboard.Dashboard;

namespace MeteringConsole.Tests.Components.Dashboard;

public sealed class DashboardTests
{
    [Fact]
    public async Task DashboardShowsRevenueChartsAndTheTilesLeadToTheirViews()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<DashboardPage>();

        // The sample is billed for past months and projected for the open one.
        page.WaitForAssertion(() => Assert.Contains("USD", page.Find("[data-testid=projected-rev] .mc-tile-value").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("%", page.Find("[data-testid=mom-rev] .mc-tile-value").TextContent);
        foreach (var chart in new[] { "revenue-by-period", "client-status", "revenue-by-source" })
        {
            Assert.Empty(page.Find($"[data-testid={chart}]").QuerySelectorAll(".mc-empty"));
            Assert.NotEmpty(page.Find($"[data-testid={chart}]").QuerySelectorAll("svg path, svg rect"));
        }
        Assert.NotEmpty(page.FindAll("[data-testid=top-clients] tbody tr"));

        var clients = await app.Db().Clients.CountAsync();
        Assert.Equal(clients.ToString("N0"), page.Find(".mc-tile a[href='clients'] .mc-tile-value").TextContent.Trim());
        foreach (var view in new[] { "new", "unassigned", "unbound", "disregarded" })
            Assert.Single(page.FindAll($".mc-tile a[href='assets?view={view}']"));
        // Counts that ask for an operator's action stand out.
        var counts = await ctx.Service<AssetService>().CountsAsync();
        Assert.True(counts.Unbound > 0);
        Assert.Single(page.FindAll(".mc-tile-attention a[href='assets?view=unbound']"));
        Assert.Empty(page.FindAll(".mc-tile-attention a[href='assets?view=disregarded']"));
    }

    [Fact]
    public async Task RevenueChartsShowEveryBilledPeriodAndSource()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var revenue = await ctx.Service<DashboardService>().RevenueAsync();

        var page = ctx.Render<DashboardPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=revenue-by-period] svg"), TimeSpan.FromSeconds(10));
        // Period names label the revenue chart's x axis, source types the source chart's, statuses the donut's legend.
        var byPeriod = page.Find("[data-testid=revenue-by-period]").TextContent;
        Assert.All(revenue.History, h => Assert.Contains(h.Period, byPeriod));
        Assert.Contains("Committed", byPeriod);
        Assert.Contains("Overage", byPeriod);
        var bySource = page.Find("[data-testid=revenue-by-source]").TextContent;
        Assert.All(revenue.BySource, s => Assert.Contains(s.Source, bySource));
        var status = page.Find("[data-testid=client-status]").TextContent;
        Assert.All(revenue.ClientStatus, s => Assert.Contains(s.Status, status));
    }

    [Fact]
    public async Task EmptyConsoleShowsZerosAndSaysWhereRevenueWillComeFrom()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer);

        var page = ctx.Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.Contains("Run billing for a closed period", page.Markup), TimeSpan.FromSeconds(10));
        Assert.Equal("0", page.Find(".mc-tile a[href='clients'] .mc-tile-value").TextContent.Trim());
        Assert.Equal("—", page.Find("[data-testid=projected-rev] .mc-tile-value").TextContent.Trim());
        Assert.Contains("Projections run hourly", page.Markup);
        Assert.Contains("No billing history", page.Find("[data-testid=client-status]").TextContent);
        Assert.Contains("No billing history", page.Find("[data-testid=revenue-by-source]").TextContent);
        Assert.Contains("reachable", page.Find("[data-testid=health]").TextContent);
    }
}
