using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Features.Jobs;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Components.Jobs;

public sealed class JobsPageTests
{
    private static IReadOnlyList<IElement> History(IRenderedComponent<JobsPage> page) => page.FindAll(".mc-history tbody tr.mud-table-row");

    [Fact]
    public async Task ShowsEveryJobAndTheSamplesRunsWithTheSchedulerOff()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);

        var page = ctx.Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Equal(4, History(page).Count));
        Assert.Equal(3, page.FindAll(".mc-job-card").Count);
        Assert.Contains("The job scheduler is off", page.Markup);
        // Nothing can run now while the scheduler is off; billing is run from its own page.
        Assert.All(page.FindAll(".mc-job-card button"), b => Assert.True(b.HasAttribute("disabled")));
        Assert.Contains("Run billing from Billing Readings", page.Find(".mc-job-card[data-job=billing]").TextContent);
    }

    [Fact]
    public async Task OnlyAnAdminIsOfferedTheHangfireDashboard()
    {
        await using var app = await TestApp.CreateAsync();
        await using (var admin = await PageTestContext.CreateAsync(TestApp.Admin, app))
        {
            var page = admin.Render<JobsPage>();
            var link = page.WaitForElement("a.mc-hangfire-link");
            Assert.Equal("/hangfire", link.GetAttribute("href"));
            Assert.Equal("_blank", link.GetAttribute("target"));
        }
        await using var operatorContext = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var operatorPage = operatorContext.Render<JobsPage>();
        operatorPage.WaitForAssertion(() => Assert.Equal(3, operatorPage.FindAll(".mc-job-card").Count));
        Assert.Empty(operatorPage.FindAll(".mc-hangfire-link"));
    }

    [Fact]
    public async Task ViewerHasNoRunNowButtons()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<JobsPage>();

        page.WaitForAssertion(() => Assert.Equal(4, History(page).Count));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Run now"));
    }

    [Fact]
    public async Task HistoryFilterAsksTheServiceForOneJob()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<JobsPage>();
        page.WaitForAssertion(() => Assert.Equal(4, History(page).Count));

        await page.InvokeAsync(() => page.Find("[aria-label='Job filter']").Closest(".mud-input-control")!.MouseDown());
        ctx.Popovers.WaitForAssertion(() => ctx.Popovers.Find(".mud-popover-open .mud-list-item"));
        var title = (await ctx.Service<JobService>().OverviewAsync()).Single(j => j.Name == JobNames.Projections).Title;
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains(title)).Click());

        page.WaitForAssertion(() => Assert.Single(History(page)));
        Assert.Contains(JobNames.Projections, History(page)[0].TextContent);
    }

    [Fact]
    public async Task RunNowRunsTheJobAndItsOutcomeAppearsInTheHistory()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var jobs = await SampleApp.StartJobsAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<JobsPage>();
        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll(".mc-job-card").Count));

        await page.InvokeAsync(() => page.Find($".mc-job-card[data-job={JobNames.Projections}] button").Click());

        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Started", ctx.Snackbars.Markup));
        // The page refreshes every 5 s; the run is started by the signed-in user.
        page.WaitForAssertion(() => Assert.Contains(History(page), r => r.TextContent.Contains("user:admin@test") && r.TextContent.Contains("succeeded")),
            TimeSpan.FromSeconds(30));
    }
}
