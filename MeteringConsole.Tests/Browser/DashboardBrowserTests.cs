using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class DashboardBrowserTests
{
    private readonly BrowserFixture _browser;

    public DashboardBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task DashboardShowsRevenueChartsAndTheTilesLeadToTheirViews()
    {
        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        // The sample is billed for past months and projected for the open one.
        await Assertions.Expect(page.Locator("[data-testid=projected-rev] .mc-tile-value")).ToContainTextAsync("USD");
        await Assertions.Expect(page.Locator("[data-testid=mom-rev] .mc-tile-value")).ToContainTextAsync("%");
        await Assertions.Expect(page.Locator(".rz-chart svg").First).ToBeVisibleAsync();
        Assert.True(await page.Locator("[data-testid=top-clients] tbody tr").CountAsync() > 0);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserFixture.ScreenshotAsync(page, "dashboard");

        await page.ClickAsync(".mc-tile a[href='assets?view=unbound']");
        await Assertions.Expect(page.Locator(".mc-views .mc-view-selected")).ToContainTextAsync("Unbound");
    }
}
