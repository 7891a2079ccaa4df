using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Components.Layout;
using MeteringConsole.Domain;
using MeteringConsole.Features.ApiKeys;
using MeteringConsole.Features.Audit;
using MeteringConsole.Features.UnitTypes;
using Microsoft.AspNetCore.Authorization;

namespace MeteringConsole.Tests.Components.Audit;

public sealed class AuditLogPageTests
{
    private static IReadOnlyList<IElement> Rows(IRenderedComponent<AuditLogPage> page)
        => page.FindAll("tbody tr.mud-table-row");

    /// <summary>An Admin API key creates a unit type and edits it: two entries that carry the key's id.</summary>
    private static async Task<(string KeyName, int KeyId, int UnitTypeId)> KeyEditsAUnitTypeAsync(TestApp app)
    {
        const string keyName = "audit-key";
        var key = await app.Service<ApiKeyService>(TestApp.Admin).CreateAsync(new ApiKeyInput(keyName, ApiKeyRole.Admin, null));
        var actor = new Actor(ActorKind.ApiKey, keyName, Roles.Admin, ApiKeyId: key.Key.Id);
        var unitTypes = app.Service<UnitTypeService>(actor);
        var created = await unitTypes.CreateAsync(new UnitTypeInput(keyName, null, "sum", false, 0.05m, 0.08m, null));
        await unitTypes.UpdateAsync(created.Id, new UnitTypeInput(keyName, null, "max", false, 0.06m, 0.08m, null));
        return (keyName, key.Key.Id, created.Id);
    }

    private static async Task ChooseAsync(PageTestContext ctx, IRenderedComponent<AuditLogPage> page, string selectClass, string item)
    {
        await page.InvokeAsync(() => page.Find($".mud-input-control.{selectClass}, .{selectClass} .mud-input-control").MouseDown());
        ctx.Popovers.WaitForAssertion(() => Assert.Contains(ctx.Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Trim() == item));
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Trim() == item).Click());
    }

    [Fact]
    public void OnlyAdminsMayOpenThePage()
    {
        // The route refuses every other role before the page renders; the browser checks that refusal on /api-keys.
        var roles = typeof(AuditLogPage).GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>()
            .Where(a => a.Roles is not null).Select(a => a.Roles).ToList();
        Assert.Equal(new[] { Roles.Admin }, roles);
    }

    [Fact]
    public async Task OperatorsMenuHasNoAuditLogOrApiKeys()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);
        var menu = ctx.Render<NavMenu>();
        Assert.Contains("Unit Types", menu.Markup);
        Assert.DoesNotContain("Audit Log", menu.Markup);
        Assert.DoesNotContain("API Keys", menu.Markup);

        await using var admin = await PageTestContext.CreateAsync(TestApp.Admin);
        Assert.Contains("Audit Log", admin.Render<NavMenu>().Markup);
    }

    [Fact]
    public async Task WithNoEntriesThePageSaysWhatWillAppear()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<AuditLogPage>();
        page.WaitForAssertion(() => Assert.Contains("Entries appear here as soon as someone creates", page.Find(".mc-empty").TextContent));
    }

    [Fact]
    public async Task AdminFiltersTheLogAndExpandsAnEntryToSeeWhatChanged()
    {
        await using var app = await TestApp.CreateAsync();
        var (keyName, keyId, unitTypeId) = await KeyEditsAUnitTypeAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<AuditLogPage>();
        page.WaitForAssertion(() => Assert.True(Rows(page).Count >= 3)); // the key's own insert, then the unit type's two

        await ChooseAsync(ctx, page, "mc-filter-table", "unit_types");
        page.WaitForAssertion(() => Assert.Equal(2, Rows(page).Count));
        await ChooseAsync(ctx, page, "mc-filter-action", "Update");
        page.WaitForAssertion(() => Assert.Single(Rows(page)));
        await page.InvokeAsync(() => page.Find("input#actor").Input(keyName));
        ctx.App.Clock.Advance(TimeSpan.FromMilliseconds(300)); // the actor filter is debounced on the pinned clock
        page.WaitForAssertion(() => Assert.Contains($"apikey:{keyName} ({keyId})", Rows(page).Single().TextContent));
        var row = Rows(page).Single().TextContent;
        Assert.Contains(unitTypeId.ToString(), row);
        Assert.Contains("Update", row);

        // Expanding shows old and new values side by side, the changed fields marked on both sides.
        await page.InvokeAsync(() => Rows(page).Single().QuerySelector("button")!.Click());
        page.WaitForAssertion(() => page.Find(".mc-change"));
        var change = page.Find(".mc-change");
        Assert.Contains("Old Values", change.TextContent);
        Assert.Contains("0.05", change.QuerySelector("[data-side=old] .mc-changed[data-key=base_rate]")!.TextContent);
        Assert.Contains("0.06", change.QuerySelector("[data-side=new] .mc-changed[data-key=base_rate]")!.TextContent);
        Assert.Contains("Max", change.QuerySelector("[data-side=new] .mc-changed[data-key=aggregation]")!.TextContent);

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Trim() == "Clear").Click());
        page.WaitForAssertion(() => Assert.True(Rows(page).Count >= 3));
    }

    [Fact]
    public async Task ADateRangeBeforeTheEntriesLeavesNothingAndSaysHowToGetThemBack()
    {
        await using var app = await TestApp.CreateAsync();
        await KeyEditsAUnitTypeAsync(app);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<AuditLogPage>();
        page.WaitForAssertion(() => Assert.True(Rows(page).Count >= 3));

        // To is inclusive of its whole day: today keeps today's entries, two days ago has none.
        await page.InvokeAsync(() => page.Find("input#to").Change(TestClock.Now.ToString("yyyy-MM-dd")));
        page.WaitForAssertion(() => Assert.True(Rows(page).Count >= 3));
        await page.InvokeAsync(() => page.Find("input#to").Change(TestClock.Now.AddDays(-2).ToString("yyyy-MM-dd")));
        page.WaitForAssertion(() => Assert.Contains("Widen the date range", page.Find(".mc-empty").TextContent));

        // From after To is refused by the service, and the page says why.
        await page.InvokeAsync(() => page.Find("input#from").Change(TestClock.Now.ToString("yyyy-MM-dd")));
        page.WaitForAssertion(() => Assert.Contains("To must not be before from", page.Find(".mc-empty").TextContent));
    }

    [Fact]
    public async Task GridShowsNewestFirstAndAsksTheServiceToSortByTheClickedColumn()
    {
        await using var app = await TestApp.CreateAsync();
        var unitTypes = app.Service<UnitTypeService>(TestApp.Admin);
        for (var i = 1; i <= 30; i++)
            await unitTypes.CreateAsync(new UnitTypeInput($"unit-{i:00}", null, "sum", false, 1, 2, null));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<AuditLogPage>();
        string RecordId(int row) => Rows(page)[row].QuerySelectorAll("td")[3].TextContent.Trim();
        page.WaitForAssertion(() => Assert.Equal(25, Rows(page).Count));
        Assert.Contains("1-25 of 30", page.Find(".mud-table-pagination").TextContent);
        Assert.Equal("30", RecordId(0));

        // Record ID ascending: the service sorts all 30 entries, so the first page starts at the oldest.
        await page.InvokeAsync(() => page.FindAll("th").First(th => th.TextContent.Contains("Record ID")).QuerySelector(".mud-button-root")!.Click());
        page.WaitForAssertion(() => Assert.Equal("1", RecordId(0)));
    }
}
