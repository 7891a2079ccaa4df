using MeteringConsole.Common;
using MeteringConsole.Components.Shared;
using MeteringConsole.Features.Dashboard;
using Microsoft.EntityFrameworkCore;
using DashboardPage = MeteringConsole.Features.Dashboard.Dashboard;

namespace MeteringConsole.Tests.Components.Dashboard;

/// <summary>The Buckets tile of seed 002, and Client Status drawn in each status's own colour.</summary>
public sealed class DashboardStatusTests
{
    [Fact]
    public async Task TheBucketsTileCountsTheBucketsAndEachStatusSliceHasItsStatussColour()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var statuses = (await ctx.Service<DashboardService>().RevenueAsync()).ClientStatus;

        var buckets = await app.Db().BillingBuckets.CountAsync();

        var page = ctx.Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.Equal(buckets.ToString("N0"),
            page.Find("[data-testid=buckets] .mc-tile-value").TextContent.Trim()), TimeSpan.FromSeconds(10));
        Assert.Equal("buckets", page.Find("[data-testid=buckets] a").GetAttribute("href"));
        var chart = page.Find("[data-testid=client-status]").InnerHtml;
        Assert.NotEmpty(statuses);
        foreach (var status in statuses)
            Assert.Contains(CommitStatus.ColorOf(status.Status), chart, StringComparison.OrdinalIgnoreCase);
        // Only the statuses present are drawn: a missing status's colour never stands in for another.
        foreach (var absent in new[] { "Over", "Under", "Mixed", "At commit" }.Except(statuses.Select(s => s.Status)))
            Assert.DoesNotContain(CommitStatus.ColorOf(absent), chart, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("Over", CommitStatus.OverColor)]
    [InlineData("Under", CommitStatus.UnderColor)]
    [InlineData("Mixed", CommitStatus.MixedColor)]
    [InlineData("At commit", CommitStatus.AtCommitColor)]
    public void EveryStatusHasOneColour(string status, string color) => Assert.Equal(color, CommitStatus.ColorOf(status));
}
