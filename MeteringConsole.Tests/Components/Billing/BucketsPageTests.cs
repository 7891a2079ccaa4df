using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace MeteringConsole.Tests.Components.Billing;

public sealed class BucketsPageTests
{
    private static IReadOnlyList<IElement> Rows(IRenderedComponent<BucketsPage> page) => page.FindAll("tbody tr.mud-table-row");

    private static string Cell(IElement row, int column) => row.QuerySelectorAll("td")[column].TextContent.Trim();

    [Fact]
    public async Task ViewerSeesEachBucketsCurrentUsageAgainstItsCommitButNoEditControls()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<BucketsPage>();

        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        var usage = page.FindAll("[data-testid=bucket-usage]");
        Assert.NotEmpty(usage);
        // The tooltip tells where the open period is heading; buckets heading over commit are red.
        Assert.Contains("by period end", usage[0].GetAttribute("title"));
        Assert.Contains(usage, u => u.ClassList.Contains("mc-over") && u.GetAttribute("title")!.Contains("over commit"));
        Assert.Contains(usage, u => !u.ClassList.Contains("mc-over") && u.GetAttribute("title")!.Contains("on track"));
        Assert.Contains("1-25 of 95", page.Find(".mud-table-pagination").TextContent);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("New bucket"));
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Actions"));
        Assert.Empty(page.FindAll("button[title=Edit]"));
    }

    [Fact]
    public async Task ReviewedFilterShowsOnlyTheBucketsToReview()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));

        await page.InvokeAsync(() => page.Find("[aria-label='Reviewed filter']").Closest(".mud-input-control")!.MouseDown());
        ctx.Popovers.WaitForAssertion(() => ctx.Popovers.Find(".mud-popover-open .mud-list-item"));
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains("To review")).Click());

        var toReview = (await ctx.Service<BucketService>().ListAsync(new BucketFilter(Reviewed: false), new PageRequest(0, 100))).Total;
        Assert.True(toReview is > 0 and < 25, "the sample has a few buckets to review");
        page.WaitForAssertion(() => Assert.Equal(toReview, Rows(page).Count));
        Assert.All(Rows(page), r => Assert.Contains("To review", r.TextContent));
    }

    [Fact]
    public async Task GridAsksTheServiceForOnePageSortedByTheClickedColumn()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));

        // ID ascending, then descending: the service sorts all 95, not just the page shown.
        var ids = (await ctx.Service<BucketService>().ListAsync(new BucketFilter(), new PageRequest(0, 100))).Items.Select(b => b.Id).ToList();
        await page.InvokeAsync(() => page.Find("th .mud-button-root").Click());
        page.WaitForAssertion(() => Assert.Equal(ids.Min().ToString(), Cell(Rows(page)[0], 0)));
        await page.InvokeAsync(() => page.Find("th .mud-button-root").Click());
        page.WaitForAssertion(() => Assert.Equal(ids.Max().ToString(), Cell(Rows(page)[0], 0)));
    }

    [Fact]
    public async Task EditorWithNoBucketsIsToldHowToStart()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);

        var page = ctx.Render<BucketsPage>();

        page.WaitForAssertion(() => Assert.Contains("Create one with New bucket", page.Find(".mc-empty").TextContent));
    }

    [Fact]
    public async Task EditDialogShowsTheBoundAssetsAndSavesThroughTheService()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var buckets = ctx.Service<BucketService>();
        var bucket = (await buckets.ListAsync(new BucketFilter(), new PageRequest(0, 1))).Items.Single();
        Assert.True(bucket.AssetIds.Count >= 2, "the first sample bucket has assets bound");
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));

        await page.InvokeAsync(() => page.FindAll("button[title=Edit]")[0].Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => Assert.Contains($"Bound assets ({bucket.AssetIds.Count})", dialog.Find(".mc-assets > legend").TextContent));
        Assert.Equal(bucket.AssetIds.OrderBy(a => a, StringComparer.Ordinal),
            dialog.FindAll("input[data-asset]").Where(IsChecked)
                .Select(a => a.GetAttribute("data-asset")!).OrderBy(a => a, StringComparer.Ordinal));

        var dropped = bucket.AssetIds[0];
        await dialog.InvokeAsync(() => dialog.Find($"input[data-asset='{dropped}']").Change(false));
        await dialog.InvokeAsync(() => dialog.Find("input#commit").Change("1234.5"));
        await dialog.InvokeAsync(() => Button(dialog, "Save").Click());

        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Bucket saved", ctx.Snackbars.Markup));
        var saved = (await buckets.ListAsync(new BucketFilter(), new PageRequest(0, 1))).Items.Single();
        Assert.Equal(1234.5m, saved.Commit);
        Assert.Equal(bucket.AssetIds.Skip(1), saved.AssetIds);
    }

    [Fact]
    public async Task NewBucketDialogShowsTheServicesValidationMessagesAndSavesNothing()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<BucketsPage>();
        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New bucket")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"));
        Assert.Contains("Choose a client and a source type", dialog.Markup);

        await dialog.InvokeAsync(() => Button(dialog, "Save").Click());

        dialog.WaitForAssertion(() => Assert.Contains("Name is required", dialog.Markup));
        Assert.Contains("Client is required", dialog.Markup);
        Assert.Contains("Source type is required", dialog.Markup);
        Assert.Equal(0, (await ctx.Service<BucketService>().ListAsync(new BucketFilter(), new PageRequest())).Total);
    }

    [Fact]
    public async Task DeleteAsksFirstAndRemovesTheBucketOnlyWhenConfirmed()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var buckets = ctx.Service<BucketService>();
        var client = (await ctx.Service<MeteringConsole.Features.Clients.ClientService>().NamesAsync())[0];
        await buckets.CreateAsync(new BucketInput(client.Id, "Spare bucket", "vmware", "vcpu-hours", null, 10, null, null, true, true, null));
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        await page.InvokeAsync(() => page.Find("input[aria-label='Search buckets']").Input("Spare bucket"));
        await PinnedClock.PassDebounceAsync(ctx, () => Rows(page).Count == 1);
        Assert.Single(Rows(page));
        var delete = $"button[aria-label='Delete Spare bucket of {client.Name}']";
        Assert.False(page.Find(delete).HasAttribute("disabled"));

        await page.InvokeAsync(() => page.Find(delete).Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("Its 0 bound assets become unbound", ctx.Dialogs.Markup));
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Cancel").Click());
        Assert.Equal(1, (await buckets.ListAsync(new BucketFilter(Search: "Spare bucket"), new PageRequest())).Total);

        await page.InvokeAsync(() => page.Find(delete).Click());
        ctx.Dialogs.WaitForAssertion(() => Button(ctx.Dialogs, "Delete"));
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Delete").Click());

        page.WaitForAssertion(() => Assert.Contains("No bucket matches these filters", page.Markup));
        Assert.Equal(0, (await buckets.ListAsync(new BucketFilter(Search: "Spare bucket"), new PageRequest())).Total);
        Assert.Contains("Deleted Spare bucket", ctx.Snackbars.Markup);
    }

    [Fact]
    public async Task ABilledBucketOffersNeitherDeleteNorAnotherClientAndSaysWhy()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var db = app.Db();
        var billed = await db.BillingBuckets.Where(b => db.BillingReadings.Any(r => r.BucketId == b.Id))
            .Select(b => new { b.Id, b.Name, Client = b.Client!.Name }).FirstAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        await page.InvokeAsync(() => page.Find("input[aria-label='Search buckets']").Input(billed.Client));
        await PinnedClock.PassDebounceAsync(ctx, () => Rows(page).All(r => r.TextContent.Contains(billed.Client)));
        var delete = page.Find($"button[aria-label='Delete {billed.Name} of {billed.Client}']");

        Assert.True(delete.HasAttribute("disabled"));
        Assert.Equal($"{billed.Name} has billing readings and cannot be deleted; disable it instead.", delete.ParentElement!.GetAttribute("title"));
        await page.InvokeAsync(() => delete.Click());
        Assert.DoesNotContain("become unbound", ctx.Dialogs.Markup);
        Assert.True(await app.Db().BillingBuckets.AnyAsync(b => b.Id == billed.Id));

        // Its dialog keeps the client: the picker is off and says why.
        await page.InvokeAsync(() => page.Find($"button[aria-label='Edit {billed.Name} of {billed.Client}']").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.True(ctx.Dialogs.Find("input#client_id").HasAttribute("disabled")));
        Assert.Contains("has billing history with its client; create a new bucket for the other client instead", ctx.Dialogs.Markup);
    }

    [Fact]
    public async Task ANeverBilledBucketsDialogLetsItsClientChange()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var client = (await ctx.Service<MeteringConsole.Features.Clients.ClientService>().NamesAsync())[0];
        await ctx.Service<BucketService>().CreateAsync(new BucketInput(client.Id, "Spare bucket", "vmware", "vcpu-hours", null, 10, null, null, true, true, null));
        var page = ctx.Render<BucketsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        await page.InvokeAsync(() => page.Find("input[aria-label='Search buckets']").Input("Spare bucket"));
        await PinnedClock.PassDebounceAsync(ctx, () => Rows(page).Count == 1);

        await page.InvokeAsync(() => page.Find($"button[aria-label='Edit Spare bucket of {client.Name}']").Click());

        ctx.Dialogs.WaitForAssertion(() => ctx.Dialogs.Find("input#client_id"));
        Assert.False(ctx.Dialogs.Find("input#client_id").HasAttribute("disabled"));
        Assert.DoesNotContain("has billing history", ctx.Dialogs.Markup);
    }

    /// <summary>MudCheckBox marks its state on the input's wrapper.</summary>
    private static bool IsChecked(IElement checkboxInput) => checkboxInput.ParentElement!.ClassList.Contains("mud-checkbox-true");

    internal static IElement Button(IRenderedComponent<MudDialogProvider> dialog, string text)
        => dialog.FindAll("button").First(b => b.TextContent.Trim() == text);
}
