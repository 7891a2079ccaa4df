using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class RecordUsageBrowserTests
{
    private readonly BrowserFixture _browser;

    public RecordUsageBrowserTests(BrowserFixture browser) => _browser = browser;

    private static async Task ChooseAsync(IPage page, string dropdownName, string optionText)
    {
        var dropdown = page.Locator($".rz-dropdown:has(input[name='{dropdownName}'])").First;
        await dropdown.ClickAsync();
        // Exact: other tests create unit types whose names contain this one.
        var option = page.Locator($".rz-dropdown-panel li[role=option][aria-label='{optionText}'] >> visible=true").First;
        await option.WaitForAsync();
        await option.ClickAsync();
        // The choice reached the server and came back rendered in the dropdown itself.
        await Assertions.Expect(dropdown.Locator(".rz-dropdown-label")).ToHaveTextAsync(optionText);
    }

    [Fact]
    public async Task PreviewFollowsTheFormAndANewAssetIsRecorded()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/usage/record");
        var preview = page.Locator("[data-testid=curl-preview]");
        await Assertions.Expect(preview).ToContainTextAsync("/api/v1/usage");

        await page.Locator(".rz-switch").First.ClickAsync();
        await page.FillAsync("#source", "vmware");
        await page.FillAsync("input[name=asset_id]", "vm-browser-recorded");
        await Assertions.Expect(preview).ToContainTextAsync("\"asset_id\": \"vm-browser-recorded\"");
        await ChooseAsync(page, "unit_type", "vcpu-hours");
        await page.Locator("input[name=value]").FillAsync("12.5");
        await page.Locator("input[name=value]").BlurAsync();
        await page.ClickAsync("button:has-text('Add metadata')");
        await page.FillAsync("input[aria-label='Metadata key']", "env");
        await page.FillAsync("input[aria-label='Metadata value']", "prod");
        await Assertions.Expect(preview).ToContainTextAsync("\"unit_type\": \"vcpu-hours\"");
        await Assertions.Expect(preview).ToContainTextAsync("\"value\": 12.5");
        await Assertions.Expect(preview).ToContainTextAsync("\"env\": \"prod\"");
        await BrowserFixture.ScreenshotAsync(page, "record-usage-filled");

        await page.ClickAsync("button:has-text('Submit')");
        await Assertions.Expect(page.Locator(".mc-recorded")).ToContainTextAsync("was recorded");
        await BrowserFixture.ScreenshotAsync(page, "record-usage-recorded");

        await page.ClickAsync(".mc-recorded a");
        await page.Locator(".mc-external-id:text-is('vm-browser-recorded')").WaitForAsync();
    }

    [Fact]
    public async Task MissingFieldsAreExplainedInlineAndNothingIsSent()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/usage/record");
        await page.ClickAsync("button:has-text('Submit')");
        await Assertions.Expect(page.Locator("[data-field=asset]")).ToContainTextAsync("Choose an asset");
        await Assertions.Expect(page.Locator("[data-field=unit_type]")).ToContainTextAsync("Choose a unit type");
        await Assertions.Expect(page.Locator("[data-field=value]")).ToContainTextAsync("Enter a value");

        await page.Locator(".rz-switch").First.ClickAsync();
        await page.FillAsync("#source", "Bad Source!");
        await page.FillAsync("input[name=asset_id]", "x");
        await ChooseAsync(page, "unit_type", "vcpu-hours");
        await page.Locator("input[name=value]").FillAsync("1");
        await page.Locator("input[name=value]").BlurAsync();
        await page.ClickAsync("button:has-text('Submit')");
        await Assertions.Expect(page.Locator("[data-field=source]")).ToContainTextAsync("lower-case letters");
        await BrowserFixture.ScreenshotAsync(page, "record-usage-validation");
        Assert.Equal(0, await page.Locator(".mc-recorded").CountAsync());
    }

    [Fact]
    public async Task AnAssetRowExpandsToItsThirtyDayUsageChart()
    {
        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        await BrowserFixture.GotoAsync(page, "/assets");
        await page.Locator(".rz-data-grid tbody tr .rz-row-toggler").First.ClickAsync();
        var usage = page.Locator("[data-testid=asset-usage]");
        await Assertions.Expect(usage).ToContainTextAsync("Usage (last 30 days)");
        await usage.Locator(".rz-chart svg, p.mc-muted").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "assets-usage-chart");
    }
}
