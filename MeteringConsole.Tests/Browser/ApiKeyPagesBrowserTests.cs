using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ApiKeyPagesBrowserTests
{
    private readonly BrowserFixture _browser;

    public ApiKeyPagesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task AdminCreatesAKeyAndSeesTheSecretOnceThatTheApiAccepts()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/api-keys");
        await page.ClickAsync("button:has-text('New API key')");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator("input[name=name]").FillAsync("browser-reader");
        await dialog.Locator(".rz-dropdown").First.ClickAsync();
        await page.Locator(".rz-dropdown-panel .rz-dropdown-item >> visible=true", new PageLocatorOptions { HasTextString = "ReadOnly" }).ClickAsync();
        await dialog.Locator("button:has-text('Create')").ClickAsync();

        var secret = (await dialog.Locator("[data-testid=api-key-secret]").InnerTextAsync()).Trim();
        Assert.StartsWith("mck_", secret);
        await BrowserFixture.ScreenshotAsync(page, "api-keys-secret-once");
        await dialog.Locator("button:has-text('Done')").ClickAsync();
        await Assertions.Expect(page.Locator(".rz-data-grid td div:text-is('browser-reader')")).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator($"text={secret}").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "api-keys-list");

        using var http = new HttpClient { BaseAddress = new Uri(_browser.App.BaseUrl) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", secret);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/api/v1/clients")).StatusCode);
    }
}
