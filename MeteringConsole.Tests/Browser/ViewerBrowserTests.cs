using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ViewerBrowserTests
{
    private readonly BrowserFixture _browser;

    public ViewerBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ViewerSeesAssetsButNoEditControls()
    {
        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        await BrowserFixture.GotoAsync(page, "/assets");
        await page.Locator(".mud-table-body tr .mc-external-id").First.WaitForAsync();
        Assert.Equal(0, await page.Locator("button:has-text('Acknowledge')").CountAsync());
        Assert.Equal(0, await page.Locator("button[aria-label^='Disregard ']").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "viewer-assets");
    }

    [Fact]
    public async Task ViewerHasNoAdminPages()
    {
        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        Assert.Equal(0, await page.Locator(".mud-navmenu :text('API Keys')").CountAsync());
        await page.GotoAsync("/api-keys");
        Assert.Contains("/account/denied", page.Url);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Not allowed");
        Assert.Equal(0, await page.Locator("button:has-text('New API key')").CountAsync());
    }
}
