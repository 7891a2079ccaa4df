using Bunit;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Clients;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Tests.Components.Billing;

/// <summary>
/// Issue 8 on the pages: Run Billing and Finalize are off, with the reason shown, for the open
/// period, a finalized one and before every contract; a disabled client is said not to be billed;
/// the bucket dialog and cards carry contract dates. Over the sample unless said otherwise.
/// </summary>
public sealed class BillingPeriodRulesPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static AngleSharp.Dom.IElement Button(IRenderedComponent<BillingReadingsPage> page, string cssClass)
        => page.Find($"button.{cssClass}");

    private static async Task ChooseRunPeriodAsync(PageTestContext ctx, IRenderedComponent<BillingReadingsPage> page, string label)
    {
        await page.InvokeAsync(() => page.Find(".mc-run-card .mud-select .mud-input-control").MouseDown());
        ctx.Popovers.WaitForAssertion(() => Assert.NotEmpty(ctx.Popovers.FindAll(".mud-popover-open .mud-list-item")), Wait);
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains(label)).Click());
    }

    [Fact]
    public async Task RunBillingIsOffWithTheReasonForTheOpenAndForAFinalizedPeriod()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<BillingReadingsPage>();
        // October, billed and open, is offered first and can be billed again.
        page.WaitForAssertion(() => Assert.False(Button(page, "mc-run").HasAttribute("disabled")), Wait);
        Assert.Empty(page.FindAll(".mc-run-reason"));

        await ChooseRunPeriodAsync(ctx, page, "2026-11-01");
        page.WaitForAssertion(() => Assert.True(Button(page, "mc-run").HasAttribute("disabled")), Wait);
        Assert.Contains("open period", page.Find(".mc-run-reason").TextContent);

        await ChooseRunPeriodAsync(ctx, page, "2026-09-01");
        page.WaitForAssertion(() => Assert.Contains("is finalized", page.Find(".mc-run-reason").TextContent), Wait);
        Assert.True(Button(page, "mc-run").HasAttribute("disabled"));
    }

    [Fact]
    public async Task WithNoContractYetNothingCanBeBilledAndThePageSaysWhy()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);

        var page = ctx.Render<BillingReadingsPage>();

        page.WaitForAssertion(() => Assert.Contains("no bucket has a contract yet", page.Find(".mc-run-reason").TextContent), Wait);
        Assert.True(Button(page, "mc-run").HasAttribute("disabled"));
    }

    [Fact]
    public async Task FinalizeIsOffWithTheReasonForAnOpenPeriodBilledBeforeTheRule()
    {
        await using var app = await TestApp.CreateAsync();
        var data = BillingFixture.For(app);
        var client = await data.ClientAsync("Legacy");
        var bucket = await data.BucketAsync(client, await data.SourceAsync("vmware"), await data.UnitTypeAsync("hours"), Aggregation.Sum, 1, 1, 1,
            Array.Empty<int>());
        await using (var db = app.Db())
        {
            // The open period, billed by a release that still allowed it.
            var november = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
            var run = new BillingRun { PeriodStart = november, PeriodEnd = november.AddMonths(1), Status = RunStatus.Succeeded, StartedBy = "test", QueuedAt = november };
            db.BillingRuns.Add(run);
            await db.SaveChangesAsync();
            db.BillingReadings.Add(new BillingReading
            {
                BillingRunId = run.Id, BucketId = bucket, ClientId = client, PeriodStart = november, PeriodEnd = november.AddMonths(1),
                BucketName = "b", SourceType = "vmware", UnitType = "hours", StartsOn = BillingFixture.ContractStart, CreatedAt = november,
            });
            await db.SaveChangesAsync();
        }
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);

        var page = ctx.Render<BillingReadingsPage>();

        page.WaitForAssertion(() => Assert.Contains("cannot be finalized", page.Find(".mc-finalize-reason").TextContent), Wait);
        Assert.True(Button(page, "mc-finalize").HasAttribute("disabled"));
    }

    [Fact]
    public async Task ADisabledClientIsShownAsNotBilledOnStatementsCardsBucketsAndItsPage()
    {
        await using var app = await SampleApp.CreateAsync();
        int clientId;
        await using (var db = app.Db())
        {
            var client = await db.BillingReadings.Where(r => r.PeriodStart == new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc))
                .Select(r => r.Client!).FirstAsync(c => c.Enabled);
            clientId = client.Id;
            await db.Clients.Where(c => c.Id == clientId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Enabled, false));
        }
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);

        var readings = ctx.Render<BillingReadingsPage>();
        readings.WaitForAssertion(() => Assert.Contains("Client disabled · not billed", readings.Markup), Wait);

        var detail = ctx.Render<ClientDetailPage>(p => p.Add(x => x.Id, clientId));
        detail.WaitForAssertion(() => Assert.Contains("not billed or projected", detail.Find(".mc-client-not-billed").TextContent), Wait);
        detail.WaitForAssertion(() => Assert.NotEmpty(detail.FindAll(".mc-bucket-card")), Wait);
        Assert.All(detail.FindAll(".mc-bucket-card"), card => Assert.Contains("Not billed", card.QuerySelector(".mc-card-status")!.TextContent));
        Assert.All(detail.FindAll(".mc-card-contract"), c => Assert.StartsWith("from ", c.TextContent.Trim()));

        var buckets = ctx.Render<BucketsPage>();
        buckets.WaitForAssertion(() => Assert.Contains("Client disabled", buckets.Markup), Wait);
    }

    [Fact]
    public async Task TheBucketDialogShowsAndSavesTheContractDates()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var service = ctx.Service<BucketService>();
        var bucket = (await service.ListAsync(new BucketFilter(), new MeteringConsole.Common.PageRequest(0, 1))).Items[0];
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("button[aria-label^='Edit']")), Wait);

        await page.InvokeAsync(() => page.Find($"button[aria-label='Edit {bucket.Name} of {bucket.ClientName}']").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Equal(BucketService.DateText(bucket.StartsOn), ctx.Dialogs.Find("input#starts_on").GetAttribute("value")), Wait);
        await ctx.Dialogs.InvokeAsync(() => ctx.Dialogs.Find("input#ends_on").Change("2027-06-30"));
        await ctx.Dialogs.InvokeAsync(() => BucketsPageTests.Button(ctx.Dialogs, "Save").Click());

        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Bucket saved", ctx.Snackbars.Markup), Wait);
        Assert.Equal(new DateOnly(2027, 6, 30), (await service.GetAsync(bucket.Id)).EndsOn);
    }
}
