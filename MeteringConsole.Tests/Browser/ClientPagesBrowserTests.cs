using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ClientPagesBrowserTests
{
    private readonly BrowserFixture _browser;

    public ClientPagesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task OperatorCreatesAndEditsAClientThroughTheDialog()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/clients");

        await page.ClickAsync("button:has-text('New client')");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator("input[name=name]").FillAsync("Contoso Browser Test");
        await dialog.Locator("textarea[name=alert_emails]").FillAsync("billing@contoso.test");
        await BrowserFixture.ScreenshotAsync(page, "clients-new-dialog");
        await dialog.Locator("button:has-text('Save')").ClickAsync();
        await page.Locator(".rz-data-grid a:has-text('Contoso Browser Test')").WaitForAsync();

        await page.ClickAsync("button[aria-label='Edit Contoso Browser Test']");
        await dialog.Locator("input[name=name]").FillAsync("Contoso Renamed");
        await dialog.Locator("button:has-text('Save')").ClickAsync();
        await page.Locator(".rz-data-grid a:has-text('Contoso Renamed')").WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "clients-list");
        Assert.Equal(0, await page.Locator(".rz-data-grid a:has-text('Contoso Browser Test')").CountAsync());
    }

    [Fact]
    public async Task DialogShowsValidationMessagesAndSavesNothing()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/clients");
        await page.ClickAsync("button:has-text('New client')");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator("textarea[name=alert_emails]").FillAsync("not an email");
        await dialog.Locator("button:has-text('Save')").ClickAsync();

        await Assertions.Expect(dialog.Locator("[data-field=name]")).ToContainTextAsync("Name is required");
        await Assertions.Expect(dialog.Locator("[data-field=alert_emails]")).ToContainTextAsync("not a valid email");
        await BrowserFixture.ScreenshotAsync(page, "clients-dialog-validation");
    }
}
