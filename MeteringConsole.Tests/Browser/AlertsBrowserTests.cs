using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AlertsBrowserTests
{
    private readonly BrowserFixture _browser;

    public AlertsBrowserTests(BrowserFixture browser) => _browser = browser;

    /// <summary>The end-to-end workflow; the dialogs' other checks are bunit tests in Components/Alerts.</summary>
    [Fact]
    public async Task OperatorCreatesAnAlertSeesItListedAndArchivesIt()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/alerts");

        await page.ClickAsync("button:has-text('New alert')");
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("input#name").FillAsync("Browser spend limit");
        await dialog.Locator("input#threshold").FillAsync("5000");
        await dialog.Locator("input#threshold").BlurAsync();
        await BrowserFixture.ScreenshotAsync(page, "alerts-new-dialog");
        await dialog.Locator("button:has-text('Create')").ClickAsync();
        var row = page.Locator(".mc-alerts-grid tr.mud-table-row", new() { HasText = "Browser spend limit" });
        await row.WaitForAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Alert created: Browser spend limit");
        await Assertions.Expect(row).ToContainTextAsync("5,000.00 USD");
        await Assertions.Expect(row).ToContainTextAsync("All clients");
        await BrowserFixture.ScreenshotAsync(page, "alerts-list");

        await page.ClickAsync("button[aria-label='Archive Browser spend limit']");
        await page.Locator(".mud-dialog button:has-text('Archive')").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("Archived Browser spend limit");
        await Assertions.Expect(row).ToHaveCountAsync(0);
    }
}
