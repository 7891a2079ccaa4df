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

    private static async Task<JsonElement> ApiAsync(HttpClient http, string query)
        => JsonDocument.Parse(await http.GetStringAsync("/api/v1/over-under" + query)).RootElement;

    private static ILocator Rows(IPage page) => page.Locator("[data-testid=over-under-clients] .mud-table-body tr.mud-table-row");

    private static string Money(JsonElement item, string name) => item.GetProperty(name).GetDecimal().ToString("N2");

    private static string Names(JsonElement item, string name) => string.Join(", ", item.GetProperty(name).EnumerateArray().Select(u => u.GetString()));

    /// <summary>Each row's cells as the reader sees them, joined by " | ".</summary>
    private static Task<string[]> CellsAsync(ILocator rows, string cells = "td", bool textContent = false)
        => rows.EvaluateAllAsync<string[]>($"rows => rows.map(r => [...r.querySelectorAll('{cells}')].map(c => c.{(textContent ? "textContent" : "innerText")}.trim()).join(' | '))");

    /// <summary>
    /// The rows once the page has settled: after a filter or period change the grid reloads after the
    /// figures above it, and its old rows may look alike at first (same count, same first client).
    /// </summary>
    private static async Task ExpectCellsAsync(string[] expected, Func<Task<string[]>> read)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var actual = await read();
        while (!expected.SequenceEqual(actual) && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(100);
            actual = await read();
        }
        Assert.Equal(expected, actual);
    }

    /// <summary>The client table's first page shows the API's first 25 clients, every figure as the API gives it.</summary>
    private static async Task ExpectClientTableAsync(IPage page, HttpClient http, string query)
    {
        var answer = await ApiAsync(http, query + (query.Length == 0 ? "?" : "&") + "take=25");
        var expected = answer.GetProperty("clients").EnumerateArray().Select(c => string.Join(" | ", c.GetProperty("name").GetString(), Names(c, "unit_types"),
            c.GetProperty("status").GetString() switch { "over" => "Over", "under" => "Under", "mixed" => "Mixed", _ => "At commit" },
            Money(c, "final_cost"),
            c.GetProperty("vs_commit_percent") is { ValueKind: JsonValueKind.Number } pct ? pct.GetDecimal().ToString("+0.0;−0.0;0.0") + "%" : "—",
            Money(c, "overage_cost"), Money(c, "buffer_cost"))).ToArray();
        if (expected.Length == 0)
        {
            await Assertions.Expect(page.Locator("[data-testid=over-under-clients]")).ToContainTextAsync("No clients match this filter.");
            return;
        }
        await ExpectCellsAsync(expected, () => CellsAsync(Rows(page)));
    }

    /// <summary>Right-Size Candidates, By Unit Type and the trend's rows as the API gives them.</summary>
    private static async Task ExpectSummariesAsync(IPage page, JsonElement answer)
    {
        var candidates = answer.GetProperty("right_size_candidates").EnumerateArray().Select(c => string.Join(" | ", c.GetProperty("name").GetString(),
            Names(c, "unit_types"), Money(c, "committed_cost"), Money(c, "buffer_cost"),
            string.Join(", ", c.GetProperty("buffer_units").EnumerateObject().Select(u => $"{u.Value.GetDecimal():#,##0.##} {u.Name}")),
            c.GetProperty("percent_unused") is { ValueKind: JsonValueKind.Number } p ? $"{p.GetDecimal():0.0}%" : "—")).ToArray();
        await ExpectCellsAsync(candidates, () => CellsAsync(page.Locator("[data-testid=right-size] tbody tr")));

        var lenses = answer.GetProperty("by_unit_type").EnumerateArray().Select(u => string.Join(" | ", u.GetProperty("unit_type").GetString(),
            u.GetProperty("delta_units").GetDecimal().ToString("+#,##0.##;−#,##0.##;0"), Money(u, "overage_cost"), Money(u, "buffer_cost"))).ToArray();
        await ExpectCellsAsync(lenses, () => CellsAsync(page.Locator("[data-testid=by-unit-type] tbody tr")));

        var trend = answer.GetProperty("trend").EnumerateArray().Select(t => string.Join(" | ", t.GetProperty("period_start").GetString(),
            t.GetProperty("overage_cost").GetDecimal().ToString("0.00"), t.GetProperty("buffer_cost").GetDecimal().ToString("0.00"))).ToArray();
        await ExpectCellsAsync(trend, () => CellsAsync(page.Locator("[data-testid=trend-table] tbody tr"), textContent: true));
    }

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
        await Assertions.Expect(page.Locator("[data-testid=over-under-trend] svg").First).ToBeVisibleAsync();
        await ExpectClientTableAsync(page, http, "");
        await ExpectSummariesAsync(page, all);
        await BrowserFixture.ScreenshotAsync(page, "over-under");

        foreach (var status in new[] { "over", "under", "mixed" })
        {
            await page.Locator($"[data-testid=filter-{status}]").ClickAsync();
            await ExpectClientTableAsync(page, http, $"?status={status}");
        }

        await page.Locator("[data-testid=filter-all]").ClickAsync();
        var unitType = all.GetProperty("by_unit_type")[0].GetProperty("unit_type").GetString()!;
        await page.Locator(".mc-unit-type").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = unitType }).First.ClickAsync();
        var scopedQuery = $"?unit_type={Uri.EscapeDataString(unitType)}";
        var scoped = await ApiAsync(http, scopedQuery);
        await Assertions.Expect(page.Locator("[data-testid=right-size-unit-type]")).ToContainTextAsync($"Unit type: {unitType}");
        await Assertions.Expect(page.Locator("[data-testid=filter-all]")).ToHaveTextAsync($"All Clients ({scoped.GetProperty("counts").GetProperty("all").GetInt32()})");
        await Assertions.Expect(page.Locator("[data-testid=total-buffer]")).ToContainTextAsync(scoped.GetProperty("total_buffer_cost").GetDecimal().ToString("N2"));
        await ExpectClientTableAsync(page, http, scopedQuery);
        await ExpectSummariesAsync(page, scoped);
        await BrowserFixture.ScreenshotAsync(page, "over-under-unit-type");

        await page.Locator("[data-testid=right-size-unit-type] .mc-clear").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=right-size-unit-type]")).ToContainTextAsync("Unit type: all");

        // An earlier billed period: the picker's choice, figured as the API figures it.
        var earlier = all.GetProperty("trend").EnumerateArray().Select(t => t.GetProperty("period_start").GetString()!).Where(p => p != period).Last();
        await page.Locator(".mc-period").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = earlier }).First.ClickAsync();
        var before = await ApiAsync(http, $"?period_start={earlier}");
        await Assertions.Expect(page.Locator(".mc-period")).ToContainTextAsync(earlier);
        await Assertions.Expect(page.Locator("[data-testid=filter-all]")).ToHaveTextAsync($"All Clients ({before.GetProperty("counts").GetProperty("all").GetInt32()})");
        await Assertions.Expect(page.Locator("[data-testid=total-buffer]")).ToContainTextAsync(before.GetProperty("total_buffer_cost").GetDecimal().ToString("N2"));
        await ExpectClientTableAsync(page, http, $"?period_start={earlier}");
        await ExpectSummariesAsync(page, before);
    }
}
