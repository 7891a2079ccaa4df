using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Playwright;

namespace MeteringConsole.Tests.Browser;

/// <summary>
/// Billing as finance runs it in the console, over the sample (August and September 2026 billed
/// and finalized, October billed and open): the one end-to-end workflow from run to export. What
/// each role sees, the buckets, projections and jobs pages are bunit tests in Components/.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BillingPagesBrowserTests
{
    private const string October = "2026-10-01";
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 60_000 };

    private readonly BrowserFixture _browser;

    public BillingPagesBrowserTests(BrowserFixture browser) => _browser = browser;

    [Fact]
    public async Task AdminRunsBillingWatchesItsStatusFinalizesAndExports()
    {
        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await BrowserFixture.GotoAsync(page, "/billing");
        await page.Locator(".mc-statements .mud-table-body tr.mud-table-row").First.WaitForAsync();

        await page.Locator(".mc-run-card .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"{October} – 2026-10-31" }).First.ClickAsync();
        // The latest run (the sample's) shows before this one starts; the new run replaces it.
        var before = await page.Locator(".mc-job").GetAttributeAsync("data-run");
        await page.ClickAsync("button:has-text('Run Billing')");
        var job = page.Locator($".mc-job:not([data-run='{before}'])");
        await Assertions.Expect(job).ToHaveAttributeAsync("data-status", "succeeded", Slow);
        await Assertions.Expect(job).ToContainTextAsync("buckets billed");
        await Assertions.Expect(job).ToContainTextAsync("started by user:" + BrowserFixture.AdminEmail);
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync(October);
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync("Open");
        await BrowserFixture.ScreenshotAsync(page, "billing-run-succeeded");

        // One statement per client, expanding to its bucket lines.
        await page.Locator(".mc-statements .mud-table-body tr.mud-table-row button").First.ClickAsync();
        await page.Locator(".mc-lines .mud-table-body tr.mud-table-row").First.WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "billing-statement-lines");
        // Expanded, the lines do not widen the statements table: its columns and each line's Details stay in view.
        var sideways = await page.EvaluateAsync<int>("""
            () => { const c = document.querySelector('.mc-statements > .mud-table-container'); return c.scrollWidth - c.clientWidth; }
            """);
        Assert.True(sideways <= 0, $"the statements table scrolls {sideways} px sideways with a statement expanded");
        var table = await page.Locator(".mc-statements").First.BoundingBoxAsync();
        var details = await page.Locator(".mc-lines .mc-line-details-open").First.BoundingBoxAsync();
        Assert.True(details!.X + details.Width <= table!.X + table.Width, "a line's Details button sticks out of the statements table");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("button:has-text('Export CSV')"));
        Assert.Equal($"billing-{October}.zip", download.SuggestedFilename);
        var path = Path.Combine(Path.GetTempPath(), $"mc-export-{Guid.NewGuid():N}.zip");
        await download.SaveAsAsync(path);
        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.True(zip.Entries.Count >= 2, "one CSV per source type");
            using var reader = new StreamReader(zip.Entries[0].Open());
            Assert.StartsWith("period_start,period_end,client_id,client", await reader.ReadLineAsync());
        }
        File.Delete(path);

        await page.ClickAsync(".mc-toolbar button:has-text('Finalize')");
        await BrowserFixture.ScreenshotAsync(page, "billing-finalize-confirm");
        await page.Locator(".mud-dialog button:has-text('Finalize')").ClickAsync();
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync("Finalized");
        await Assertions.Expect(page.Locator(".mc-period-summary")).ToContainTextAsync(BrowserFixture.AdminEmail);
        await Assertions.Expect(page.Locator(".mc-toolbar button:has-text('Finalize')")).ToBeDisabledAsync();
        await BrowserFixture.ScreenshotAsync(page, "billing-finalized");

        // A finalized period cannot be billed again: Run Billing is off, and the page says why.
        await Assertions.Expect(page.Locator("button.mc-run")).ToBeDisabledAsync();
        await Assertions.Expect(page.Locator(".mc-run-reason")).ToContainTextAsync($"Period {October} is finalized");
    }

    /// <summary>What is clipped in the grid: cells, headers and names wider than their box, a table wider than its container, a page that scrolls sideways.</summary>
    private const string Overflows = """
        () => {
          const grid = document.querySelector('.mc-grid');
          const table = grid.querySelector('table');
          const container = table.parentElement;
          const bad = [];
          if (table.getBoundingClientRect().width > container.clientWidth + 0.5) bad.push(`table ${table.getBoundingClientRect().width} > ${container.clientWidth}`);
          if (container.scrollWidth > container.clientWidth) bad.push(`container scrolls: ${container.scrollWidth} > ${container.clientWidth}`);
          if (document.documentElement.scrollWidth > document.documentElement.clientWidth) bad.push('page scrolls sideways');
          for (const el of table.querySelectorAll('th, td, th *, td a, td span'))
            if (el.scrollWidth > el.clientWidth && getComputedStyle(el).overflow !== 'visible')
              bad.push(`${el.tagName}.${el.className}: "${el.textContent.trim().slice(0, 40)}" ${el.scrollWidth} > ${el.clientWidth}`);
          for (const cell of table.querySelectorAll('th, td'))
            if (cell.scrollWidth > cell.clientWidth) bad.push(`${cell.tagName}: "${cell.textContent.trim().slice(0, 40)}" ${cell.scrollWidth} > ${cell.clientWidth}`);
          return bad;
        }
        """;

    [Fact]
    public async Task BucketsTableShowsEveryColumnWholeAt1440()
    {
        // A bucket named at length, with one unbroken word, for the longest client name of the sample; disabled, so nothing bills it.
        const string LongName = "Managed Kubernetes worker nodes, production cluster eu-west-1 (reserved capacity) arn:aws:eks:eu-west-1:cluster/prod";
        var (http, _) = await AdminApiClient.CreateAsync(_browser, "buckets-1440");
        using var clients = JsonDocument.Parse(await http.GetStringAsync("/api/v1/clients?search=Carroll%20%26%20Kautzer"));
        var client = clients.RootElement.GetProperty("items")[0].GetProperty("id").GetInt32();
        var created = await http.PostAsJsonAsync("/api/v1/buckets", new
        {
            client_id = client, name = LongName, source_type = "aws", unit_type = "egress-gb", commit = 0, enabled = false,
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        var page = await _browser.SignInAsync(BrowserFixture.AdminEmail);
        await page.SetViewportSizeAsync(1440, 900);
        await BrowserFixture.GotoAsync(page, "/buckets");
        await page.Locator(".mc-grid .mud-table-body tr.mud-table-row").First.WaitForAsync();
        // The longest names of the sample on the first page, so the widest cells are there.
        await page.Locator(".mc-grid th", new() { HasText = "Name" }).First.ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await BrowserFixture.ScreenshotAsync(page, "buckets-table-1440x900");

        var headers = await page.Locator(".mc-grid thead th").AllInnerTextsAsync();
        Assert.Equal(new[] { "ID", "Client", "Name", "Source Type", "Unit Type", "Aggregation", "Usage", "Commit", "Reviewed", "Enabled", "Actions" },
            headers.Select(h => h.Trim()));
        // Nothing clipped: no cell, header or name wider than its box, the table within its container, no page scroll sideways.
        var overflows = await page.EvaluateAsync<string[]>(Overflows);
        Assert.True(overflows.Length == 0, "Clipped at 1440×900:\n" + string.Join("\n", overflows));

        // The long name reads whole, wrapped in its cell, and the columns still fit.
        await page.Locator("input[placeholder='Search bucket or client']").FillAsync("Managed Kubernetes");
        var row = page.Locator(".mc-grid .mud-table-body tr.mud-table-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync("arn:aws:eks");
        Assert.Equal(LongName, (await row.Locator("td").Nth(2).InnerTextAsync()).Trim());
        await BrowserFixture.ScreenshotAsync(page, "buckets-table-long-name-1440x900");
        overflows = await page.EvaluateAsync<string[]>(Overflows);
        Assert.True(overflows.Length == 0, "Clipped at 1440×900 with a long name:\n" + string.Join("\n", overflows));
        // Each row's actions fit whole: both buttons inside the table's right edge.
        var table = await page.Locator(".mc-grid table").BoundingBoxAsync();
        var delete = await page.Locator(".mc-grid td.mc-actions button[aria-label^='Delete']").First.BoundingBoxAsync();
        Assert.True(delete!.X + delete.Width <= table!.X + table.Width, "the Delete button sticks out of the table");
    }
}
