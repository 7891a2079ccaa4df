using System.Net.Http.Json;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class UnitTypePagesBrowserTests
{
    private readonly BrowserFixture _browser;

    public UnitTypePagesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task OperatorCreatesAndEditsAUnitTypeThroughTheDialog()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/unit-types");
        await page.Locator(".rz-data-grid tr.rz-data-row, .rz-data-grid .mc-empty").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "unit-types-initial");

        await page.ClickAsync("button:has-text('New unit type')");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator("input[name=name]").FillAsync("browser-vcpu-hours");
        await dialog.Locator("textarea[name=description]").FillAsync("vCPU hours from the VMware collectors");
        await dialog.Locator(".rz-dropdown").ClickAsync();
        await page.Locator(".rz-dropdown-item", new() { HasText = "max — high-water mark" }).ClickAsync();
        await dialog.Locator(".rz-switch").ClickAsync();
        await dialog.Locator("input[name=base_rate]").FillAsync("0.0125");
        await dialog.Locator("input[name=overage_rate]").FillAsync("0.02");
        await dialog.Locator("input[name=filter_pattern]").FillAsync("vm-*");
        await page.WaitForTimeoutAsync(400); // floating labels settle before the picture
        await BrowserFixture.ScreenshotAsync(page, "unit-types-new-dialog");
        await dialog.Locator("button:has-text('Save')").ClickAsync();

        var row = page.Locator(".rz-data-grid tr", new() { HasText = "browser-vcpu-hours" });
        await Assertions.Expect(row).ToContainTextAsync("0.0125");
        await Assertions.Expect(row).ToContainTextAsync("0.02");
        await Assertions.Expect(row).ToContainTextAsync("max");
        await Assertions.Expect(row).ToContainTextAsync("on");
        await Assertions.Expect(row).ToContainTextAsync("vm-*");

        await page.ClickAsync("button[aria-label='Edit browser-vcpu-hours']");
        await dialog.Locator("input[name=overage_rate]").FillAsync("0.03");
        await dialog.Locator("button:has-text('Save')").ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("0.03");
        await BrowserFixture.ScreenshotAsync(page, "unit-types-list");
    }

    [Fact]
    public async Task DialogShowsValidationMessagesAndSavesNothing()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/unit-types");
        await page.ClickAsync("button:has-text('New unit type')");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator("input[name=filter_pattern]").FillAsync("vm-[0-9]*");
        await dialog.Locator("button:has-text('Save')").ClickAsync();

        await Assertions.Expect(dialog.Locator("[data-field=name]")).ToContainTextAsync("Name is required");
        await Assertions.Expect(dialog.Locator("[data-field=filter_pattern]")).ToContainTextAsync("only * and ?");
        await BrowserFixture.ScreenshotAsync(page, "unit-types-dialog-validation");
        await dialog.Locator("button:has-text('Cancel')").ClickAsync();
        Assert.Equal(0, await page.Locator(".rz-data-grid td", new() { HasText = "vm-[0-9]*" }).CountAsync());
    }

    [Fact]
    public async Task ViewerSeesUnitTypesOnArrivalButNoEditControls()
    {
        var (http, keyName) = await AdminApiClient.CreateAsync(_browser, "viewer-units");
        using var _ = http;
        (await http.PostAsJsonAsync("/api/v1/unit-types", new { name = keyName, description = "made before the page opened" })).EnsureSuccessStatusCode();

        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        await BrowserFixture.GotoAsync(page, "/unit-types");
        // Loaded on arrival, without any click.
        await Assertions.Expect(page.Locator(".rz-data-grid tr.rz-data-row", new() { HasText = keyName })).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("button:has-text('New unit type')").CountAsync());
        Assert.Equal(0, await page.Locator(".rz-data-grid th", new() { HasText = "Actions" }).CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "unit-types-viewer");
    }
}
