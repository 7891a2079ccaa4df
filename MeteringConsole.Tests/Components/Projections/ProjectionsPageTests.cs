using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Features.Projections;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Components.Projections;

public sealed class ProjectionsPageTests
{
    private static IReadOnlyList<IElement> Rows(IRenderedComponent<ProjectionsPage> page) => page.FindAll("tbody tr.mud-table-row");

    [Fact]
    public async Task ViewerSeesTheSamplesProjectionsButCannotRunThem()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<ProjectionsPage>();

        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        Assert.Contains("1-25 of 85", page.Find(".mud-table-pagination").TextContent);
        Assert.Contains("2026-11-01 – 2026-11-30", page.Markup);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Run projections"));
    }

    [Fact]
    public async Task HeadingOverOnlyAndSortingAreAskedOfTheService()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<ProjectionsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        var over = (await ctx.Service<ProjectionService>().ListAsync(new ProjectionFilter(OverCommitOnly: true), new PageRequest(0, 100, "PercentOfCommit desc"))).Items;
        Assert.NotEmpty(over);

        await page.InvokeAsync(() => page.Find(".mc-over-only input").Change(true));
        page.WaitForAssertion(() => Assert.Contains($"of {over.Count}", page.Find(".mud-table-pagination").TextContent));
        var header = () => page.FindAll("th").First(th => th.TextContent.Contains("% of Commit")).QuerySelector(".mud-button-root")!;
        await page.InvokeAsync(() => header().Click());
        await page.InvokeAsync(() => header().Click());
        page.WaitForAssertion(() => Assert.Contains(over[0].BucketName, Rows(page)[0].TextContent));
        Assert.Contains("mc-over", Rows(page)[0].InnerHtml);
    }

    [Fact]
    public async Task OperatorRunsProjectionsThroughTheScheduler()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var jobs = await SampleApp.StartJobsAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<ProjectionsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("Run projections")).Click());

        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Projections updated", ctx.Snackbars.Markup), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task EmptyDatabaseShowsHowProjectionsAppear()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);

        var page = ctx.Render<ProjectionsPage>();

        page.WaitForAssertion(() => Assert.Contains("Run projections calculates them now", page.Find(".mc-empty").TextContent));
    }
}
