using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class MonitorsBrowserTests
{
    private readonly BrowserFixture _browser;

    public MonitorsBrowserTests(BrowserFixture browser) => _browser = browser;

    /// <summary>The end-to-end workflow over the sample; the dialog's other checks are bunit tests in Components/Monitors.</summary>
    [Fact]
    public async Task OperatorAddsAMonitorAndViewsItForAClientNetAndIncrementWithItsChart()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        await page.SetViewportSizeAsync(1440, 900);
        await BrowserFixture.GotoAsync(page, "/monitors");

        await page.ClickAsync("button:has-text('Add monitor')");
        var dialog = page.Locator(".mud-dialog");
        await dialog.Locator("input#name").FillAsync("Browser invoice total");
        await dialog.Locator("textarea#description").FillAsync("What the invoice totals so far");
        await ChooseAsync(page, dialog.Locator("div.mud-select", new() { Has = page.Locator("#item") }).First, "invoice_total");
        await BrowserFixture.ScreenshotAsync(page, "monitors-new-dialog");
        await dialog.Locator("button:has-text('Create')").ClickAsync();
        var row = page.Locator(".mc-monitors-grid tr.mud-table-row", new() { HasText = "Browser invoice total" });
        await row.WaitForAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Monitor added: Browser invoice total");
        await Assertions.Expect(row).ToContainTextAsync("Contract");
        await Assertions.Expect(row).ToContainTextAsync("invoice_total");

        // Picked from the list, viewed for a client (on the pinned day, 2026-11-21, at first): Net, a money value, and 30 days charted.
        await row.ClickAsync();
        var viewer = page.Locator("[data-testid=monitor-viewer]");
        await ChooseAsync(page, viewer.Locator("div.mud-select", new() { Has = page.Locator("#viewer_client") }).First, "Keebler & Barton Pharma");
        var value = viewer.Locator("[data-testid=monitor-value]");
        await Assertions.Expect(viewer).ToContainTextAsync("Browser invoice total on 2026-11-21 (net)");
        // The sample's readings end on 2026-11-20: a day with usage, typed into the date field.
        await viewer.Locator("input#viewer_date").FillAsync("2026-11-18");
        await viewer.Locator("input#viewer_date").PressAsync("Tab");
        await Assertions.Expect(viewer).ToContainTextAsync("Browser invoice total on 2026-11-18 (net)");
        await Assertions.Expect(value).ToContainTextAsync("USD");
        var net = await value.InnerTextAsync();
        Assert.NotEqual("0.00 USD", net.Trim());
        await AssertChartAsync(viewer);
        await BrowserFixture.ScreenshotAsync(page, "monitors-view-net");

        // Increment: the change from the day before; this client is over commit, so its invoice grows each day.
        await viewer.Locator(".mc-mode label", new() { HasText = "Increment" }).ClickAsync();
        await Assertions.Expect(viewer).ToContainTextAsync("Browser invoice total on 2026-11-18 (increment)");
        var increment = await value.InnerTextAsync();
        Assert.InRange(Money(increment), 0.01m, Money(net) - 0.01m);
        await AssertChartAsync(viewer);
        await BrowserFixture.ScreenshotAsync(page, "monitors-view-increment");
    }

    /// <summary>The chart drew a line over the 30 days, across the viewer's width.</summary>
    private static async Task AssertChartAsync(ILocator viewer)
    {
        var chart = viewer.Locator("svg:has(path.mud-chart-line)").First;
        await chart.WaitForAsync();
        Assert.True(await viewer.Locator("svg path.mud-chart-line").CountAsync() >= 1, "the chart has no line");
        var labels = await viewer.Locator("svg text").AllTextContentsAsync();
        // A label a week, ending on the chosen day.
        Assert.Equal(new[] { "10-21", "10-28", "11-04", "11-11", "11-18" }, labels.Select(l => l.Trim()).Where(l => l.Length == 5 && l[2] == '-'));
        var box = await chart.BoundingBoxAsync();
        Assert.True(box is { Width: > 900, Height: > 150 }, $"the chart is {box?.Width}×{box?.Height}");
    }

    private static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        await select.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option }).First.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }

    private static decimal Money(string text)
        => decimal.Parse(text.Replace("USD", "").Trim(), System.Globalization.NumberStyles.Number | System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture);
}
