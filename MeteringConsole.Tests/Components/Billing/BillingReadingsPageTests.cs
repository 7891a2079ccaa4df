using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Components.Shared;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Components.Billing;

/// <summary>Over the sample: August and September billed and finalized, October billed and open.</summary>
public sealed class BillingReadingsPageTests
{
    private static IReadOnlyList<IElement> Statements(IRenderedComponent<BillingReadingsPage> page)
        => page.FindAll(".mc-statements tbody tr.mud-table-row").Where(r => r.Closest(".mc-lines") is null).ToList();

    [Fact]
    public async Task ViewerReadsStatementsButCannotRunOrFinalize()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<BillingReadingsPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(Statements(page)));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Run Billing"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("Finalize"));
        Assert.Single(page.FindAll("button"), b => b.TextContent.Contains("Export CSV"));
        Assert.Contains("2026-10-01", page.Find(".mc-period-summary").TextContent);
        Assert.Contains("Open", page.Find(".mc-period-summary").TextContent);
        Assert.Equal(3, page.FindAll(".mc-history tbody tr.mud-table-row").Count);
    }

    [Fact]
    public async Task EachStatementsStatusIsDrawnInTheColourThatStatusHasEverywhere()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<BillingReadingsPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(Statements(page)));
        var chips = Statements(page).Select(r => r.QuerySelector(".mc-status-chip")!).ToList();
        Assert.All(chips, chip => Assert.Contains(CommitStatus.ColorOf(chip.TextContent), chip.GetAttribute("style")));
        // The sample's October has clients of each kind, Mixed among them (the colour that differed here).
        Assert.Contains(chips, chip => chip.TextContent == "Mixed" && chip.GetAttribute("style")!.Contains(CommitStatus.MixedColor));
    }

    [Fact]
    public async Task StatementsAreSortedByTheServiceAndExpandToTheirBucketLines()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<BillingReadingsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(Statements(page)));
        var all = (await ctx.Service<BillingReadingService>().StatementsAsync(new StatementFilter("2026-10-01"), new PageRequest(0, 100, "TotalCost desc"))).Items;

        var totalHeader = page.FindAll("th").First(th => th.TextContent.Contains("Total Cost"));
        await page.InvokeAsync(() => totalHeader.QuerySelector(".mud-button-root")!.Click());
        await page.InvokeAsync(() => page.FindAll("th").First(th => th.TextContent.Contains("Total Cost")).QuerySelector(".mud-button-root")!.Click());
        page.WaitForAssertion(() => Assert.Contains(all[0].ClientName, Statements(page)[0].TextContent));

        await page.InvokeAsync(() => Statements(page)[0].QuerySelector("button")!.Click());
        page.WaitForAssertion(() => Assert.Equal(all[0].Buckets, page.FindAll(".mc-lines tbody tr.mud-table-row").Count));
        Assert.Contains("Final Cost", page.Find(".mc-lines").TextContent);
    }

    [Fact]
    public async Task FinalizeAsksFirstAndCancellingLeavesThePeriodOpen()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<BillingReadingsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(Statements(page)));

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() == "Finalize").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("This cannot be undone", ctx.Dialogs.Markup));
        await ctx.Dialogs.InvokeAsync(() => BucketsPageTests.Button(ctx.Dialogs, "Cancel").Click());

        var october = (await ctx.Service<BillingReadingService>().PeriodsAsync()).First(p => p.PeriodStart == "2026-10-01");
        Assert.False(october.Finalized);
        Assert.Contains("Open", page.Find(".mc-period-summary").TextContent);
    }

    [Fact]
    public async Task RunBillingSaysWhyItCannotStartWhenTheSchedulerIsOff()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<BillingReadingsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(Statements(page)));
        // Operators run billing, only Admins finalize.
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Finalize");

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("Run Billing")).Click());

        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("cannot start", ctx.Snackbars.Markup));
    }

    [Fact]
    public async Task ARunStartedByAnotherActorShowsForAViewerAndUpdatesUntilItSucceeds()
    {
        await using var app = await TestApp.CreateAsync();
        var data = BillingFixture.For(app);
        var (client, source, unit) = (await data.ClientAsync("Watched"), await data.SourceAsync("vmware"), await data.UnitTypeAsync("hours"));
        var asset = await data.AssetAsync(source, "vm-w", client);
        await data.ReadingsAsync(asset, unit, (BillingFixture.Utc(2026, 10, 5), 3));
        await data.BucketAsync(client, source, unit, Aggregation.Sum, 1, 1, 1, new[] { asset });
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<BillingReadingsPage>();
        page.WaitForAssertion(() => Assert.Contains("No billing runs yet", page.Markup));
        Assert.Empty(page.FindAll(".mc-job"));

        // An Operator queues October in another tab (as the scheduler would see it: queued, not yet picked up).
        var october = app.Services.GetRequiredService<BillingSettings>().ParsePeriod("2026-10-01");
        var run = new BillingRun { PeriodStart = october.StartUtc, PeriodEnd = october.EndUtc, Status = RunStatus.Queued, StartedBy = "operator@test",
            QueuedAt = app.Clock.GetUtcNow().UtcDateTime };
        await using (var db = app.Db())
        {
            db.BillingRuns.Add(run);
            await db.SaveChangesAsync();
        }
        await AdvanceUntilAsync(ctx, () => page.FindAll(".mc-job").Count == 1);
        var job = page.Find(".mc-job");
        Assert.Equal(("queued", run.Id.ToString()), (job.GetAttribute("data-status"), job.GetAttribute("data-run")));
        Assert.Contains("2026-10-01 – 2026-10-31", job.TextContent);
        Assert.Contains("started by operator@test", job.TextContent);

        await app.Service<BillingEngine>(TestApp.Operator).ExecuteAsync(run.Id);
        await AdvanceUntilAsync(ctx, () => page.Find(".mc-job").GetAttribute("data-status") == "succeeded");

        Assert.Contains("1 buckets billed", page.Find(".mc-job").TextContent);
        page.WaitForAssertion(() => Assert.Contains("Watched", Assert.Single(Statements(page)).TextContent));
        Assert.Single(page.FindAll(".mc-history tbody tr.mud-table-row"));
    }

    /// <summary>The page polls on the app's clock: moves it a second at a time (at most a minute) until <paramref name="done"/>.</summary>
    private static async Task AdvanceUntilAsync(PageTestContext ctx, Func<bool> done)
    {
        for (var i = 0; i < 60 && !done(); i++)
        {
            ctx.App.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
        }
        Assert.True(done(), "the page did not update within a minute of app time");
    }

    [Fact]
    public async Task EditorWithNothingBilledIsToldHowToStart()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);

        var page = ctx.Render<BillingReadingsPage>();

        page.WaitForAssertion(() => Assert.Contains("Choose a closed period under Run Billing", page.Find(".mc-empty").TextContent));
        Assert.Contains("No billing runs yet", page.Markup);
        Assert.True(page.FindAll("button").First(b => b.TextContent.Contains("Export CSV")).HasAttribute("disabled"));
    }
}
