using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class BucketUsageBrowserTests
{
    private readonly BrowserFixture _browser;

    public BucketUsageBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task BucketListShowsEachBucketsCurrentUsageAgainstItsCommit()
    {
        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        await BrowserFixture.GotoAsync(page, "/buckets");
        var usage = page.Locator("[data-testid=bucket-usage]");
        await Assertions.Expect(usage.First).ToBeVisibleAsync();
        // The tooltip tells where the open period is heading.
        Assert.Contains("by period end", await usage.First.GetAttributeAsync("title"));
        Assert.True(await page.Locator("[data-testid=bucket-usage].mc-over").CountAsync() > 0, "some sample buckets head over commit");
        await BrowserFixture.ScreenshotAsync(page, "buckets-usage");
    }
}
