using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AssetPagesBrowserTests
{
    private readonly BrowserFixture _browser;

    public AssetPagesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task OperatorAcknowledgesAndAssignsANewAsset()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/assets?view=unassigned");
        var firstRow = page.Locator(".rz-data-grid tbody tr").First;
        await firstRow.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "assets-unassigned");
        var externalId = (await firstRow.Locator(".mc-external-id").InnerTextAsync()).Trim();

        await page.ClickAsync($"button[aria-label='Assign {externalId}']");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator(".rz-dropdown").ClickAsync();
        await page.Locator(".rz-dropdown-panel .rz-dropdown-item >> visible=true").First.ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "assets-assign-dialog");
        await dialog.Locator("button:has-text('Assign')").ClickAsync();
        await Assertions.Expect(page.Locator(".rz-notification")).ToContainTextAsync("Assigned 1 asset");
        await Assertions.Expect(page.Locator($".mc-external-id:text-is('{externalId}')")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task DisregardAsksForConfirmationAndRestoreBringsItBack()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/assets?view=unbound");
        var firstRow = page.Locator(".rz-data-grid tbody tr").First;
        await firstRow.WaitForAsync();
        var externalId = (await firstRow.Locator(".mc-external-id").InnerTextAsync()).Trim();

        await page.ClickAsync($"button[aria-label='Disregard {externalId}']");
        await Assertions.Expect(page.Locator(".rz-dialog")).ToContainTextAsync("excluded from billing");
        await BrowserFixture.ScreenshotAsync(page, "assets-disregard-confirm");
        await page.Locator(".rz-dialog button:has-text('Disregard')").ClickAsync();
        await Assertions.Expect(page.Locator($".mc-external-id:text-is('{externalId}')")).ToHaveCountAsync(0);

        await page.Locator(".rz-selectbar .rz-button", new PageLocatorOptions { HasTextString = "Disregarded" }).ClickAsync();
        await page.FillAsync("input[aria-label='Search assets']", externalId);
        await page.ClickAsync($"button[aria-label='Restore {externalId}']");
        await Assertions.Expect(page.Locator(".rz-notification")).ToContainTextAsync("Restored");
    }

    [Fact]
    public async Task AnUnboundAssetIsBoundToOneOfItsClientsBuckets()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/assets?view=unbound");
        var row = page.Locator(".rz-data-grid tbody tr:has(button[aria-label^='Bind '])").First;
        await row.WaitForAsync();
        var externalId = (await row.Locator(".mc-external-id").InnerTextAsync()).Trim();

        await row.Locator("button[aria-label^='Bind ']").ClickAsync();
        var dialog = page.Locator(".rz-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("buckets");
        if (await dialog.Locator("button:has-text('Bind')").IsDisabledAsync())
        {
            await dialog.Locator(".rz-dropdown").ClickAsync();
            await page.Locator(".rz-dropdown-panel .rz-dropdown-item >> visible=true").First.ClickAsync();
        }
        await Assertions.Expect(dialog.Locator("button:has-text('Bind')")).ToBeEnabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "assets-bind-dialog");
        await dialog.Locator("button:has-text('Bind')").ClickAsync();

        await Assertions.Expect(page.Locator(".rz-notification")).ToContainTextAsync("Bound to");
        await Assertions.Expect(page.Locator($".mc-external-id:text-is('{externalId}')")).ToHaveCountAsync(0);
    }
}
