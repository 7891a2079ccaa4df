using System.IO.Compression;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

/// <summary>
/// Billing as finance runs it in the console, over the sample (August and September 2026 billed
/// and finalized, October billed and open).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BillingPagesBrowserTests
{
    private const string October = "2026-10-01";
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 60_000 };

    private readonly BrowserFixture _browser;

    public BillingPagesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task AdminRunsBillingWatchesItsStatusFinalizesAndExports()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/billing");
        await page.Locator(".rz-data-grid tr.rz-data-row").First.WaitForAsync();

        await page.Locator(".mc-run-card .rz-dropdown").ClickAsync();
        await page.Locator(".rz-dropdown-item:visible", new() { HasText = $"{October} – 2026-10-31" }).First.ClickAsync();
        await page.ClickAsync("button:has-text('Run Billing')");
        await Assertions.Expect(page.Locator(".mc-job")).ToHaveAttributeAsync("data-status", "succeeded", Slow);
        await Assertions.Expect(page.Locator(".mc-job")).ToContainTextAsync("buckets billed");
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync(October);
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync("Open");
        await BrowserFixture.ScreenshotAsync(page, "billing-run-succeeded");

        // One statement per client, expanding to its bucket lines.
        await page.Locator(".rz-data-grid .rz-row-toggler").First.ClickAsync();
        await page.Locator(".mc-lines tr.rz-data-row").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "billing-statement-lines");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("button:has-text('Export CSV')"));
        Assert.Equal($"billing-{October}.zip", download.SuggestedFilename);
        var path = Path.Combine(Path.GetTempPath(), $"mc-export-{Guid.NewGuid():N}.zip");
        await download.SaveAsAsync(path);
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.True(zip.Entries.Count >= 2, "one CSV per source type");
            using var reader = new StreamReader(zip.Entries[0].Open());
            Assert.StartsWith("period_start,period_end,client_id,client", await reader.ReadLineAsync());
        }
        File.Delete(path);

        await page.ClickAsync(".mc-toolbar button:has-text('Finalize')");
        await BrowserFixture.ScreenshotAsync(page, "billing-finalize-confirm");
        await page.Locator(".rz-dialog button:has-text('Finalize')").ClickAsync();
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync("Finalized");
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync(BrowserFixture.AdminEmail);
        await Assertions.Expect(page.Locator(".mc-toolbar button:has-text('Finalize')")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "billing-finalized");

        // A finalized period cannot be billed again: the page says why.
        await page.ClickAsync("button:has-text('Run Billing')");
        await Assertions.Expect(page.Locator(".rz-notification")).ToContainTextAsync("finalized");
    }

    [Fact]
    public async Task ViewerReadsStatementsButCannotRunOrFinalize()
    {
        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        await BrowserFixture.GotoAsync(page, "/billing");
        await page.Locator(".rz-data-grid tr.rz-data-row").First.WaitForAsync();
        Assert.Equal(0, await page.Locator("button:has-text('Run Billing')").CountAsync());
        Assert.Equal(0, await page.Locator("button:has-text('Finalize')").CountAsync());
        Assert.Equal(1, await page.Locator("button:has-text('Export CSV')").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "billing-viewer");
    }

    [Fact]
    public async Task BucketsLoadOnArrivalFilterAndOpenTheirDialogWithBoundAssets()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/buckets");
        await page.Locator(".rz-data-grid tr.rz-data-row").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "buckets-list");

        await page.Locator("[aria-label='Reviewed filter']").ClickAsync();
        await page.Locator(".rz-dropdown-item:visible", new() { HasText = "To review" }).ClickAsync();
        await Assertions.Expect(page.Locator(".rz-data-grid tr.rz-data-row").First).ToContainTextAsync("To review");
        Assert.Equal(0, await page.Locator(".rz-data-grid tr.rz-data-row", new() { HasText = "Reviewed" }).CountAsync());

        await page.Locator(".rz-data-grid button[title=Edit]").First.ClickAsync();
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator(".mc-asset-list").WaitForAsync();
        await page.WaitForTimeoutAsync(400); // floating labels settle before the picture
        await BrowserFixture.ScreenshotAsync(page, "buckets-edit-dialog");
        await dialog.Locator("button:has-text('Cancel')").ClickAsync();
    }

    [Fact]
    public async Task ProjectionsAndJobsPagesShowTheirRuns()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/projections");
        await page.Locator(".rz-data-grid tr.rz-data-row").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "projections");

        await BrowserFixture.GotoAsync(page, "/jobs");
        await Assertions.Expect(page.Locator(".mc-job-card")).ToHaveCountAsync(3);
        await page.Locator(".mc-job-card[data-job=projections] button:has-text('Run now')").ClickAsync();
        await Assertions.Expect(page.Locator(".rz-data-grid tr.rz-data-row", new() { HasText = "user:" + BrowserFixture.AdminEmail }).First)
            .ToContainTextAsync("succeeded", new() { Timeout = 30_000 });
        await BrowserFixture.ScreenshotAsync(page, "jobs");
    }
}
