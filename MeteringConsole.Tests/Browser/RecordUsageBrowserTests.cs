using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

/// <summary>
/// Ingest to chart, end to end: a reading recorded by hand for a new asset shows in that asset's
/// 30-day usage chart on the Assets page. The form's details are covered by bunit tests.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class RecordUsageBrowserTests
{
    private readonly BrowserFixture _browser;

    public RecordUsageBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task ARecordedReadingShowsInItsAssetsThirtyDayUsageChart()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/usage/record");
        var preview = page.Locator("[data-testid=curl-preview]");
        await Assertions.Expect(preview).ToContainTextAsync("/api/v1/usage");

        await page.Locator(".mc-new-asset input[type=checkbox]").CheckAsync();
        await page.FillAsync("input#source", "vmware");
        await page.Keyboard.PressAsync("Escape");
        await page.FillAsync("input#asset_id", "vm-browser-recorded");
        await Assertions.Expect(preview).ToContainTextAsync("\"asset_id\": \"vm-browser-recorded\"");
        await page.Locator(".mud-select:has(input#unit_type)").First.ClickAsync();
        // Exact: other tests create unit types whose names contain this one.
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^vcpu-hours$") }).ClickAsync();
        await page.FillAsync("input#value", "12.5");
        await page.ClickAsync("button:has-text('Add metadata')");
        await page.Locator(".mc-metadata-key input").FillAsync("env");
        await page.Locator(".mc-metadata-value input").FillAsync("prod");
        await Assertions.Expect(preview).ToContainTextAsync("\"unit_type\": \"vcpu-hours\"");
        await Assertions.Expect(preview).ToContainTextAsync("\"value\": 12.5");
        await Assertions.Expect(preview).ToContainTextAsync("\"env\": \"prod\"");
        await BrowserFixture.ScreenshotAsync(page, "record-usage-filled");

        await page.ClickAsync("button:has-text('Submit')");
        await Assertions.Expect(page.Locator(".mc-recorded")).ToContainTextAsync("was recorded");
        await BrowserFixture.ScreenshotAsync(page, "record-usage-recorded");

        // The link opens the Assets page searched to the new asset; its row expands to the chart.
        await page.ClickAsync(".mc-recorded a");
        var row = page.Locator(".mud-table-body tr", new() { Has = page.Locator(".mc-external-id:text-is('vm-browser-recorded')") });
        await row.WaitForAsync();
        await row.Locator("button[aria-label='Expand group']").ClickAsync();
        var usage = page.Locator("[data-testid=asset-usage]");
        await Assertions.Expect(usage).ToContainTextAsync("Usage (last 30 days) · vmware / vm-browser-recorded");
        await Assertions.Expect(usage.Locator("[data-unit-type='vcpu-hours'] svg").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "assets-usage-chart");
    }

    [Fact]
    public async Task TheCopiedCurlSnippetRecordsTheReadingWhenPastedInAShell()
    {
        var key = await AppProcess.RunCommandAsync(_browser.App.Database, new[] { "apikey", "create", "--name", "curl-snippet", "--role", "Ingest" });
        Assert.Equal(0, key.ExitCode);
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await BrowserFixture.GotoAsync(page, "/usage/record");
        await page.Locator(".mc-new-asset input[type=checkbox]").CheckAsync();
        await page.FillAsync("input#source", "vmware");
        await page.Keyboard.PressAsync("Escape");
        await page.FillAsync("input#asset_id", "vm-curl-snippet");
        await page.Locator(".mud-select:has(input#unit_type)").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^vcpu-hours$") }).ClickAsync();
        await page.FillAsync("input#value", "3");
        await page.ClickAsync("button:has-text('Add metadata')");
        await page.Locator(".mc-metadata-key input").FillAsync("owner");
        await page.Locator(".mc-metadata-value input").FillAsync("O'Brien $HOME");
        var preview = page.Locator("[data-testid=curl-preview]");
        await Assertions.Expect(preview).ToContainTextAsync("O'\\''Brien");

        var snippet = await preview.InnerTextAsync();
        var shell = new System.Diagnostics.ProcessStartInfo("bash", new[] { "-c", snippet }) { RedirectStandardOutput = true, RedirectStandardError = true };
        shell.Environment["METERING_API_KEY"] = key.StdOut.Trim().Split('\n')[^1].Trim();
        using var bash = System.Diagnostics.Process.Start(shell)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.True(bash.ExitCode == 0, await bash.StandardError.ReadToEndAsync());
        // The whole answer in the message: a problem+json body names its status and detail.
        Assert.True(output.Contains("\"accepted\":1"), $"The snippet was answered: {output}");
    }
}
