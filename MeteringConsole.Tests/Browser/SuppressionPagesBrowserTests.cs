using System.Net.Http.Json;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SuppressionPagesBrowserTests
{
    private readonly BrowserFixture _browser;

    public SuppressionPagesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task OperatorAddsARuleThenDeletesItAfterConfirming()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/suppressions");
        await page.Locator(".rz-data-grid tr.rz-data-row, .rz-data-grid .mc-empty").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "suppressions-initial");

        await page.ClickAsync("button:has-text('New rule')");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator(".rz-selectbar button, .rz-selectbar .rz-button", new() { HasText = "glob" }).ClickAsync();
        await dialog.Locator("input[name=pattern]").FillAsync("browser-tmp-*");
        await dialog.Locator("textarea[name=reason]").FillAsync("Scratch VMs created by the browser tests");
        await dialog.Locator("input[name=sample]").FillAsync("BROWSER-TMP-42");
        await Assertions.Expect(dialog.Locator("[data-testid=try-result]")).ToContainTextAsync("Matches");
        await page.WaitForTimeoutAsync(400); // floating labels settle before the picture
        await BrowserFixture.ScreenshotAsync(page, "suppressions-new-dialog");
        await dialog.Locator("button:has-text('Save')").ClickAsync();

        var row = page.Locator(".rz-data-grid tr", new() { HasText = "browser-tmp-*" });
        await Assertions.Expect(row).ToContainTextAsync("glob");
        await Assertions.Expect(row).ToContainTextAsync("never");
        await BrowserFixture.ScreenshotAsync(page, "suppressions-list");

        // Cancelling the confirmation keeps the rule.
        await page.ClickAsync("button[aria-label='Delete rule browser-tmp-*']");
        var confirm = page.Locator(".rz-dialog", new() { HasText = "Delete suppression rule" });
        await Assertions.Expect(confirm).ToContainTextAsync("ingested again");
        await page.WaitForTimeoutAsync(400); // the dialog fades in
        await BrowserFixture.ScreenshotAsync(page, "suppressions-delete-confirm");
        await confirm.Locator("button:has-text('Cancel')").ClickAsync();
        await Assertions.Expect(confirm).ToHaveCountAsync(0);
        await Assertions.Expect(row).ToHaveCountAsync(1);

        await page.ClickAsync("button[aria-label='Delete rule browser-tmp-*']");
        await confirm.Locator("button:has-text('Delete')").ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task RegexThatDoesNotCompileIsAFieldMessage()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/suppressions");
        await page.ClickAsync("button:has-text('New rule')");
        var dialog = page.Locator(".rz-dialog");
        await dialog.Locator(".rz-selectbar button, .rz-selectbar .rz-button", new() { HasText = "regex" }).ClickAsync();
        await dialog.Locator("input[name=pattern]").FillAsync("^(vm-");
        await dialog.Locator("button:has-text('Save')").ClickAsync();

        await Assertions.Expect(dialog.Locator("[data-field=pattern]")).ToContainTextAsync("does not compile");
        await BrowserFixture.ScreenshotAsync(page, "suppressions-dialog-validation");
    }

    [Fact]
    public async Task ViewerSeesRulesOnArrivalButNoEditControls()
    {
        var (http, keyName) = await AdminApiClient.CreateAsync(_browser, "viewer-rules");
        using var _ = http;
        (await http.PostAsJsonAsync("/api/v1/suppressions", new { pattern = keyName, type = "exact", reason = "made before the page opened" })).EnsureSuccessStatusCode();

        var page = await _browser.SignInAsync(BrowserFixture.ViewerEmail);
        await BrowserFixture.GotoAsync(page, "/suppressions");
        await Assertions.Expect(page.Locator(".rz-data-grid tr.rz-data-row", new() { HasText = keyName })).ToHaveCountAsync(1);
        Assert.Equal(0, await page.Locator("button:has-text('New rule')").CountAsync());
        Assert.Equal(0, await page.Locator(".rz-data-grid th", new() { HasText = "Actions" }).CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "suppressions-viewer");
    }
}
