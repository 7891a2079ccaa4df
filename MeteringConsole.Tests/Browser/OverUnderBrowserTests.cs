using System.Text.Json;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

/// <summary>
/// The Over/Under page over the sample, walked as finance uses it (each status filter, a unit type,
/// the trend), its figures checked against GET /api/v1/over-under: one service answers both.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OverUnderBrowserTests
{
    private readonly BrowserFixture _browser;

    public OverUnderBrowserTests(BrowserFixture browser) => _browser = browser;

    private async Task<JsonElement> ApiAsync(HttpClient http, string query)
        => JsonDocument.Parse(await http.GetStringAsync("/api/v1/over-under" + query)).RootElement;

    private static ILocator Rows(IPage page) => page.Locator("[data-testid=over-under-clients] .mud-table-body tr.mud-table-row");

    [Fact]
    public async Task EveryFilterAndTheUnitTypeShowWhatTheApiAnswers()
    {
        var (http, _) = await AdminApiClient.CreateAsync(_browser, "over-under");
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/over-under");
        await Rows(page).First.WaitForAsync();
        var all = await ApiAsync(http, "");
        var counts = all.GetProperty("counts");
        var period = all.GetProperty("period_start").GetString()!;

        await Assertions.Expect(page.Locator(".mc-period")).ToContainTextAsync(period);
        foreach (var (id, label, key) in new[] { ("all", "All Clients", "all"), ("over", "Over Commit", "over"), ("under", "Under Commit", "under"), ("mixed", "Mixed", "mixed") })
            await Assertions.Expect(page.Locator($"[data-testid=filter-{id}]")).ToHaveTextAsync($"{label} ({counts.GetProperty(key).GetInt32()})");
        await Assertions.Expect(page.Locator("[data-testid=total-buffer]")).ToContainTextAsync(all.GetProperty("total_buffer_cost").GetDecimal().ToString("N2"));
        await Assertions.Expect(page.Locator("[data-testid=trend-table] tbody tr")).ToHaveCountAsync(all.GetProperty("trend").GetArrayLength());
        await Assertions.Expect(page.Locator("[data-testid=over-under-trend] svg").First).ToBeVisibleAsync();
        await BrowserFixture.ScreenshotAsync(page, "over-under");

        foreach (var status in new[] { "over", "under", "mixed" })
        {
            await page.Locator($"[data-testid=filter-{status}]").ClickAsync();
            var expected = await ApiAsync(http, $"?status={status}");
            var names = expected.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).Order(StringComparer.OrdinalIgnoreCase).Take(25).ToList();
            await Assertions.Expect(Rows(page)).ToHaveCountAsync(Math.Max(1, names.Count));
            if (names.Count > 0) await Assertions.Expect(Rows(page).First).ToContainTextAsync(names[0]);
        }

        await page.Locator("[data-testid=filter-all]").ClickAsync();
        var unitType = all.GetProperty("by_unit_type")[0].GetProperty("unit_type").GetString()!;
        await page.Locator(".mc-unit-type").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = unitType }).First.ClickAsync();
        var scoped = await ApiAsync(http, $"?unit_type={Uri.EscapeDataString(unitType)}");
        await Assertions.Expect(page.Locator("[data-testid=right-size-unit-type]")).ToContainTextAsync($"Unit type: {unitType}");
        await Assertions.Expect(page.Locator("[data-testid=filter-all]")).ToHaveTextAsync($"All Clients ({scoped.GetProperty("counts").GetProperty("all").GetInt32()})");
        await Assertions.Expect(page.Locator("[data-testid=total-buffer]")).ToContainTextAsync(scoped.GetProperty("total_buffer_cost").GetDecimal().ToString("N2"));
        await BrowserFixture.ScreenshotAsync(page, "over-under-unit-type");

        await page.Locator("[data-testid=right-size-unit-type] .mc-clear").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=right-size-unit-type]")).ToContainTextAsync("Unit type: all");
    }
}
