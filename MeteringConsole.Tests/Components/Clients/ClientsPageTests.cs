using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Features.Clients;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace MeteringConsole.Tests.Components.Clients;

public sealed class ClientsPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static async Task SeedAsync(TestApp app, int count, bool enabled = true, string prefix = "client")
    {
        var clients = app.Service<ClientService>(TestApp.Admin);
        for (var i = 1; i <= count; i++)
            await clients.CreateAsync(new ClientInput($"{prefix}-{i:00}", enabled, null));
    }

    /// <summary>The Name column (the second; the first is the ID).</summary>
    private static IReadOnlyList<string> Names(IRenderedComponent<ClientsPage> page)
        => page.FindAll("tbody tr.mud-table-row td:nth-child(2)").Select(td => td.TextContent.Trim()).ToList();

    private static Task<Page<ClientRow>> AllAsync(PageTestContext ctx) => ctx.Service<ClientService>().ListAsync(new ClientFilter(), new PageRequest());

    [Fact]
    public async Task ViewerSeesClientsButNoEditControls()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 2);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<ClientsPage>();

        page.WaitForAssertion(() => Assert.Equal(new[] { "client-01", "client-02" }, Names(page)), Wait);
        var link = page.FindAll("tbody a").First();
        Assert.StartsWith("clients/", link.GetAttribute("href"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("New client"));
        Assert.Empty(page.FindAll("button[aria-label^='Edit ']"));
        Assert.Empty(page.FindAll("button[aria-label^='Delete ']"));
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Actions"));
    }

    [Fact]
    public async Task EditorWithNoClientsIsToldHowToStart()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);

        var page = ctx.Render<ClientsPage>();

        page.WaitForAssertion(() => Assert.Contains("Create one with New client", page.Find(".mc-empty").TextContent), Wait);
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Contains("New client"));
    }

    [Fact]
    public async Task SearchAndEnabledFilterNarrowTheGridOnTheServer()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 2, enabled: true, prefix: "alpha");
        await SeedAsync(app, 1, enabled: false, prefix: "beta");
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<ClientsPage>();
        page.WaitForAssertion(() => Assert.Equal(3, Names(page).Count), Wait);

        await page.InvokeAsync(() => page.Find(".mc-filter .mud-select-input").MouseDown());
        ctx.Popovers.WaitForAssertion(() => Assert.NotEmpty(ctx.Popovers.FindAll(".mud-list-item")), Wait);
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-list-item").First(i => i.TextContent.Trim() == "Disabled").Click());
        page.WaitForAssertion(() => Assert.Equal(new[] { "beta-01" }, Names(page)), Wait);

        await page.InvokeAsync(() => page.Find(".mc-search input").Input("alpha"));
        // MudBlazor's debounce runs on the injected TimeProvider: the test's pinned clock lets it elapse.
        ctx.App.Clock.Advance(TimeSpan.FromMilliseconds(300));
        page.WaitForAssertion(() => Assert.Contains("No client matches this filter.", page.Find(".mc-empty").TextContent), Wait);
    }

    [Fact]
    public async Task GridAsksTheServiceForOnePageSortedByTheClickedColumn()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 30);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<ClientsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Names(page).Count), Wait);
        Assert.Equal("client-01", Names(page)[0]);
        Assert.Contains("1-25 of 30", page.Find(".mud-table-pagination").TextContent);

        // Name ascending, then descending: the service sorts all 30, not just the page shown.
        IElement NameHeader() => page.FindAll("th").First(th => th.TextContent.Contains("Name")).QuerySelector(".mud-button-root")!;
        await page.InvokeAsync(() => NameHeader().Click());
        page.WaitForAssertion(() => Assert.Equal("client-01", Names(page)[0]), Wait);
        await page.InvokeAsync(() => NameHeader().Click());
        page.WaitForAssertion(() => Assert.Equal("client-30", Names(page)[0]), Wait);
        Assert.Equal(25, Names(page).Count);
    }

    [Fact]
    public async Task OperatorCreatesAClientThroughTheDialog()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);
        var page = ctx.Render<ClientsPage>();
        page.WaitForAssertion(() => page.Find(".mc-empty"), Wait);

        await page.InvokeAsync(() => Button(page.FindAll("button"), "New client").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"), Wait);
        await dialog.InvokeAsync(() => dialog.Find("input#name").Change("Contoso"));
        await dialog.InvokeAsync(() => dialog.Find("textarea#alert_emails").Change("billing@contoso.test\nops@contoso.test"));
        await dialog.InvokeAsync(() => dialog.Find(".mc-enabled input").Change(false));
        await dialog.InvokeAsync(() => Button(dialog.FindAll("button"), "Save").Click());

        page.WaitForAssertion(() => Assert.Equal(new[] { "Contoso" }, Names(page)), Wait);
        var saved = (await AllAsync(ctx)).Items.Single();
        Assert.Equal(new[] { "billing@contoso.test", "ops@contoso.test" }, saved.AlertEmails);
        Assert.False(saved.Enabled);
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Client created: Contoso", ctx.Snackbars.Markup), Wait);
    }

    [Fact]
    public async Task DialogShowsTheServicesValidationMessagesAndSavesNothing()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<ClientsPage>();
        await page.InvokeAsync(() => Button(page.FindAll("button"), "New client").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("textarea#alert_emails"), Wait);
        await dialog.InvokeAsync(() => dialog.Find("textarea#alert_emails").Change("not an email"));
        await dialog.InvokeAsync(() => Button(dialog.FindAll("button"), "Save").Click());

        dialog.WaitForAssertion(() => Assert.Contains("Name is required", dialog.Markup), Wait);
        Assert.Contains("not a valid email", dialog.Markup);
        Assert.Equal(0, (await AllAsync(ctx)).Total);
    }

    [Fact]
    public async Task DialogShowsANameConflictAboveTheFields()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 1);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<ClientsPage>();
        page.WaitForAssertion(() => Assert.Single(Names(page)), Wait);
        await page.InvokeAsync(() => Button(page.FindAll("button"), "New client").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"), Wait);
        await dialog.InvokeAsync(() => dialog.Find("input#name").Change("CLIENT-01"));
        await dialog.InvokeAsync(() => Button(dialog.FindAll("button"), "Save").Click());

        dialog.WaitForAssertion(() => Assert.Contains("already exists", dialog.Find(".mud-alert").TextContent), Wait);
        Assert.Equal(1, (await AllAsync(ctx)).Total);
    }

    [Fact]
    public async Task DeleteAsksFirstAndDeletesOnlyWhenConfirmed()
    {
        await using var app = await TestApp.CreateAsync();
        await SeedAsync(app, 1);
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<ClientsPage>();
        page.WaitForAssertion(() => Assert.Single(Names(page)), Wait);
        var dialog = ctx.Dialogs;

        await page.InvokeAsync(() => page.Find("button[aria-label='Delete client-01']").Click());
        dialog.WaitForAssertion(() => Assert.Contains("Its 0 assets become unassigned", dialog.Markup), Wait);
        await dialog.InvokeAsync(() => Button(dialog.FindAll("button"), "Cancel").Click());
        dialog.WaitForAssertion(() => Assert.DoesNotContain("become unassigned", dialog.Markup), Wait);
        Assert.Equal(1, (await AllAsync(ctx)).Total);

        await page.InvokeAsync(() => page.Find("button[aria-label='Delete client-01']").Click());
        dialog.WaitForAssertion(() => Assert.Contains("Its 0 assets become unassigned", dialog.Markup), Wait);
        await dialog.InvokeAsync(() => Button(dialog.FindAll("button"), "Delete").Click());
        page.WaitForAssertion(() => Assert.Contains("Create one with New client", page.Find(".mc-empty").TextContent), Wait);
        Assert.Equal(0, (await AllAsync(ctx)).Total);
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Deleted client-01", ctx.Snackbars.Markup), Wait);
    }

    [Fact]
    public async Task ADeleteThatWouldBeRefusedIsNotOfferedAndSaysWhy()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var db = app.Db();
        var billed = await db.Clients.Where(c => db.BillingReadings.Any(r => r.ClientId == c.Id)).OrderBy(c => c.Name).Select(c => c.Name).FirstAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<ClientsPage>();
        page.WaitForAssertion(() => Assert.Contains(billed, Names(page)), Wait);

        var delete = page.Find($"button[aria-label='Delete {billed}']");

        Assert.True(delete.HasAttribute("disabled"));
        Assert.Equal($"{billed} has billing history and cannot be deleted; disable it instead.", delete.ParentElement!.GetAttribute("title"));
        await page.InvokeAsync(() => delete.Click());
        Assert.DoesNotContain("become unassigned", ctx.Dialogs.Markup);
        Assert.True(await app.Db().Clients.AnyAsync(c => c.Name == billed));
    }

    private static IElement Button(IEnumerable<IElement> buttons, string text) => buttons.First(b => b.TextContent.Trim() == text);
}
