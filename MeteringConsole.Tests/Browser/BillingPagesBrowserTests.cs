using System.IO.Compression;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

/// <summary>
/// Billing as finance runs it in the console, over the sample (August and September 2026 billed
/// and finalized, October billed and open): the one end-to-end workflow from run to export. What
/// each role sees, the buckets, projections and jobs pages are bunit tests in Components/.
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
        await page.Locator(".mc-statements .mud-table-body tr.mud-table-row").First.WaitForAsync();

        await page.Locator(".mc-run-card .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"{October} – 2026-10-31" }).First.ClickAsync();
        // The latest run (the sample's) shows before this one starts; the new run replaces it.
        var before = await page.Locator(".mc-job").GetAttributeAsync("data-run");
        await page.ClickAsync("button:has-text('Run Billing')");
        var job = page.Locator($".mc-job:not([data-run='{before}'])");
        await Assertions.Expect(job).ToHaveAttributeAsync("data-status", "succeeded", Slow);
        await Assertions.Expect(job).ToContainTextAsync("buckets billed");
        await Assertions.Expect(job).ToContainTextAsync("started by user:" + BrowserFixture.AdminEmail);
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync(October);
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync("Open");
        await BrowserFixture.ScreenshotAsync(page, "billing-run-succeeded");

        // One statement per client, expanding to its bucket lines.
        await page.Locator(".mc-statements .mud-table-body tr.mud-table-row button").First.ClickAsync();
        await page.Locator(".mc-lines .mud-table-body tr.mud-table-row").First.WaitForAsync();
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
        await page.Locator(".mud-dialog button:has-text('Finalize')").ClickAsync();
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync("Finalized");
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync(BrowserFixture.AdminEmail);
        await Assertions.Expect(page.Locator(".mc-toolbar button:has-text('Finalize')")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "billing-finalized");

        // A finalized period cannot be billed again: Run Billing is off, and the page says why.
        await Assertions.Expect(page.Locator("button.mc-run")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator(".mc-run-reason")).ToContainTextAsync($"Period {October} is finalized");
    }
}
