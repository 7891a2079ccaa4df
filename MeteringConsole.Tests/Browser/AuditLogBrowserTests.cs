using System.Net.Http.Json;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AuditLogBrowserTests
{
    private readonly BrowserFixture _browser;

    public AuditLogBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task AdminFiltersTheLogAndExpandsAnEntryToSeeWhatChanged()
    {
        // An Admin API key creates and edits a unit type: two entries that carry the key's id.
        var (http, keyName) = await AdminApiClient.CreateAsync(_browser, "audit-browser");
        using var _ = http;
        var created = await (await http.PostAsJsonAsync("/api/v1/unit-types", new { name = keyName, base_rate = 0.05, overage_rate = 0.08 }))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        var id = created.GetProperty("id").GetInt32();
        (await http.PutAsJsonAsync($"/api/v1/unit-types/{id}", new { base_rate = 0.06, aggregation = "max" })).EnsureSuccessStatusCode();

        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/audit");
        await page.Locator(".rz-data-grid tr.rz-data-row").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "audit-initial");

        await page.Locator(".mc-filter-table .rz-dropdown").ClickAsync();
        await page.Locator(".rz-dropdown-item", new() { HasText = "unit_types" }).ClickAsync();
        await page.Locator(".mc-filter-action .rz-dropdown").ClickAsync();
        await page.Locator(".rz-dropdown-item", new() { HasText = "Update" }).ClickAsync();
        await page.Locator("input[name=actor]").FillAsync(keyName);
        var rows = page.Locator(".rz-data-grid tbody tr.rz-data-row");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("apikey:" + keyName);
        await Assertions.Expect(rows.First).ToContainTextAsync(id.ToString());

        await rows.First.Locator(".rz-row-toggler").ClickAsync();
        var change = page.Locator(".mc-change");
        await Assertions.Expect(change).ToContainTextAsync("Old Values");
        await Assertions.Expect(change.Locator("[data-side=old] .mc-changed[data-key=base_rate]")).ToContainTextAsync("0.05");
        await Assertions.Expect(change.Locator("[data-side=new] .mc-changed[data-key=base_rate]")).ToContainTextAsync("0.06");
        await Assertions.Expect(change.Locator("[data-side=new] .mc-changed[data-key=aggregation]")).ToContainTextAsync("Max");
        await BrowserFixture.ScreenshotAsync(page, "audit-expanded");

        // A range that ends before today leaves nothing, and says how to get entries back.
        await page.Locator("input[name=to]").FillAsync(TestClock.Now.AddDays(-2).ToString("yyyy-MM-dd"));
        await page.Locator("input[name=to]").PressAsync("Tab");
        await Assertions.Expect(page.Locator(".mc-empty")).ToContainTextAsync("Widen the date range");
        await page.WaitForTimeoutAsync(300);
        await BrowserFixture.ScreenshotAsync(page, "audit-filtered-empty");
    }

    [Fact]
    public async Task OperatorCannotOpenTheAuditLog()
    {
        var page = await _browser.SignInAsync(BrowserFixture.OperatorEmail);
        Assert.Equal(0, await page.Locator(".rz-navigation-item", new() { HasText = "Audit Log" }).CountAsync());
        // The page's role requirement is enforced on the request itself, which sends the user to the denied page.
        await page.GotoAsync("/audit");
        await page.WaitForURLAsync("**/account/denied**");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("Your role does not give access");
        Assert.Equal(0, await page.Locator(".rz-data-grid").CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "audit-operator-denied");
    }
}
