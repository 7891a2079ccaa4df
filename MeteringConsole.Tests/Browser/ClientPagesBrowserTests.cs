using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ClientPagesBrowserTests
{
    private readonly BrowserFixture _browser;

    public ClientPagesBrowserTests(BrowserFixture browser) => _browser = browser;

    /// <summary>The end-to-end workflow; the page's other checks are bunit tests in Components/Clients.</summary>
    [Fact]
    public async Task OperatorCreatesAndEditsAClientThroughTheDialog()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/clients");

        await page.ClickAsync("button:has-text('New client')");
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("input#name").FillAsync("Contoso Browser Test");
        await dialog.Locator("textarea#alert_emails").FillAsync("billing@contoso.test");
        await BrowserFixture.ScreenshotAsync(page, "clients-new-dialog");
        await dialog.Locator("button:has-text('Save')").ClickAsync();
        await page.Locator(".mud-table-body a:has-text('Contoso Browser Test')").WaitForAsync();

        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Client created: Contoso Browser Test");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        await page.ClickAsync("button[aria-label='Edit Contoso Browser Test']");
        await Assertions.Expect(dialog.Locator("input#name")).ToHaveValueAsync("Contoso Browser Test");
        await dialog.Locator("input#name").FillAsync("Contoso Renamed");
        await dialog.Locator("button:has-text('Save')").ClickAsync();
        await page.Locator(".mud-table-body a:has-text('Contoso Renamed')").WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "clients-list");
        Assert.Equal(0, await page.Locator(".mud-table-body a:has-text('Contoso Browser Test')").CountAsync());
    }
}
