using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.ApiKeys;
using MeteringConsole.Features.Clients;
using Microsoft.AspNetCore.Authorization;
using MudBlazor;

namespace MeteringConsole.Tests.Components.ApiKeys;

public sealed class ApiKeysPageTests
{
    private static IReadOnlyList<string> Names(IRenderedComponent<ApiKeysPage> page)
        => page.FindAll("tbody tr.mud-table-row .mc-key-name").Select(d => d.TextContent.Trim()).ToList();

    private static IElement Button(IRenderedComponent<MudDialogProvider> dialog, string text)
        => dialog.FindAll("button").First(b => b.TextContent.Trim() == text);

    [Fact]
    public void OnlyAdminsMayOpenThePage()
    {
        // The route refuses every other role before the page renders (the Viewer's denial is checked in the browser).
        var roles = typeof(ApiKeysPage).GetCustomAttributes(typeof(AuthorizeAttribute), true).Cast<AuthorizeAttribute>()
            .Where(a => a.Roles is not null).Select(a => a.Roles).ToList();
        Assert.Equal(new[] { Roles.Admin }, roles);
    }

    [Fact]
    public async Task AdminWithNoKeysIsToldHowToCreateOne()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);

        var page = ctx.Render<ApiKeysPage>();

        page.WaitForAssertion(() => Assert.Contains("MeteringConsole apikey create", page.Find(".mc-empty").TextContent));
        Assert.Contains(page.FindAll("button"), b => b.TextContent.Contains("New API key"));
    }

    [Fact]
    public async Task GridAsksTheServiceForOnePageSortedByTheClickedColumnAndSearches()
    {
        await using var app = await TestApp.CreateAsync();
        var keys = app.Service<ApiKeyService>(TestApp.Admin);
        for (var i = 1; i <= 30; i++)
            await keys.CreateAsync(new ApiKeyInput($"key-{i:00}", ApiKeyRole.Ingest, null));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<ApiKeysPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Names(page).Count));
        Assert.Contains("1-25 of 30", page.Find(".mud-table-pagination").TextContent);

        // Name is the second column: ascending, then descending over all 30 keys, not just the page shown.
        var nameHeader = page.FindAll("th .mud-button-root")[1];
        await page.InvokeAsync(() => nameHeader.Click());
        page.WaitForAssertion(() => Assert.Equal("key-01", Names(page)[0]));
        await page.InvokeAsync(() => page.FindAll("th .mud-button-root")[1].Click());
        page.WaitForAssertion(() => Assert.Equal("key-30", Names(page)[0]));

        await page.InvokeAsync(() => page.Find("input[aria-label='Search keys']").Input("key-1"));
        // MudBlazor's debounce runs on the injected clock, which the tests pin; its timer may start after the input event.
        await PinnedClock.PassDebounceAsync(ctx, () => Names(page).Count == 10);
        page.WaitForAssertion(() => Assert.Equal(10, Names(page).Count));
        Assert.All(Names(page), n => Assert.StartsWith("key-1", n));
    }

    [Fact]
    public async Task AdminCreatesAKeyAndSeesTheSecretOnceThatTheApiAccepts()
    {
        await using var app = await TestApp.CreateAsync();
        var client = await app.Service<ClientService>(TestApp.Admin).CreateAsync(new ClientInput("Acme Corp", true, null));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<ApiKeysPage>();
        page.WaitForAssertion(() => page.Find(".mc-empty"));

        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New API key")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"));
        await dialog.InvokeAsync(() => dialog.Find("input#name").Change("browser-reader"));
        await dialog.InvokeAsync(() => dialog.Find(".mud-select .mud-input-control").MouseDown());
        ctx.Popovers.WaitForAssertion(() => Assert.Contains(ctx.Popovers.FindAll(".mud-popover-open .mud-list-item"), i => i.TextContent.Contains("ReadOnly")));
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").First(i => i.TextContent.Contains("ReadOnly")).Click());
        dialog.WaitForAssertion(() => Assert.Contains("ReadOnly: reads clients", dialog.Markup));
        await dialog.InvokeAsync(() => dialog.Find("input#client_id").Input("acme"));
        ctx.App.Clock.Advance(TimeSpan.FromMilliseconds(300)); // the search is debounced on the pinned clock
        ctx.Popovers.WaitForAssertion(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Contains("Acme Corp")));
        await ctx.Popovers.InvokeAsync(() => ctx.Popovers.FindAll(".mud-popover-open .mud-list-item").Single().Click());
        await dialog.InvokeAsync(() => Button(dialog, "Create").Click());

        dialog.WaitForAssertion(() => dialog.Find("[data-testid=api-key-secret]"));
        var secret = dialog.Find("[data-testid=api-key-secret]").TextContent.Trim();
        Assert.StartsWith("mck_", secret);
        Assert.Contains("will not be shown again", dialog.Markup);

        // Copy hands the secret to the browser's clipboard.
        ctx.Bunit.JSInterop.Setup<bool>("meteringConsole.copyText", secret).SetResult(true);
        await dialog.InvokeAsync(() => Button(dialog, "Copy").Click());
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Copied to the clipboard", ctx.Snackbars.Markup));

        await dialog.InvokeAsync(() => Button(dialog, "Done").Click());
        page.WaitForAssertion(() => Assert.Equal(new[] { "browser-reader" }, Names(page)));
        dialog.WaitForAssertion(() => Assert.Empty(dialog.FindAll(".mud-dialog")));
        Assert.DoesNotContain(secret, page.Markup);
        Assert.Contains($"mck_{secret.Substring(4, 8)}…", page.Markup);
        Assert.Contains("Acme Corp", page.Find("tbody tr.mud-table-row").TextContent);

        // The API accepts the secret shown once: it names this key, with its role and client scope.
        var key = await ctx.Service<ApiKeyService>().ValidateAsync(secret);
        Assert.NotNull(key);
        Assert.Equal(("browser-reader", ApiKeyRole.ReadOnly, client.Id), (key.Name, key.Role, key.ClientId));
        // Only a hash was stored.
        await using var db = app.Db();
        Assert.DoesNotContain(db.ApiKeys.Select(k => k.SecretHash).ToList(), h => h.Contains(secret.Substring(4)));
    }

    [Fact]
    public async Task DialogShowsTheServicesValidationMessageAndCreatesNothing()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<ApiKeysPage>();
        await page.InvokeAsync(() => page.FindAll("button").First(b => b.TextContent.Contains("New API key")).Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#name"));

        await dialog.InvokeAsync(() => Button(dialog, "Create").Click());

        dialog.WaitForAssertion(() => Assert.Contains("Name is required", dialog.Markup));
        Assert.Empty(dialog.FindAll("[data-testid=api-key-secret]"));
        Assert.Equal(0, (await ctx.Service<ApiKeyService>().ListAsync(new PageRequest())).Total);
    }

    [Fact]
    public async Task DisablingAKeyAsksFirstThenTheKeyIsRefused()
    {
        await using var app = await TestApp.CreateAsync();
        var created = await app.Service<ApiKeyService>(TestApp.Admin).CreateAsync(new ApiKeyInput("collector", ApiKeyRole.Ingest, null));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin, app);
        var page = ctx.Render<ApiKeysPage>();
        page.WaitForAssertion(() => page.Find("button[aria-label='Disable collector']"));

        // Cancelled: nothing changes.
        await page.InvokeAsync(() => page.Find("button[aria-label='Disable collector']").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("refused from now on (401)", ctx.Dialogs.Markup));
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Cancel").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Empty(ctx.Dialogs.FindAll(".mud-dialog")));
        Assert.NotNull(await ctx.Service<ApiKeyService>().ValidateAsync(created.Secret));

        await page.InvokeAsync(() => page.Find("button[aria-label='Disable collector']").Click());
        ctx.Dialogs.WaitForAssertion(() => Button(ctx.Dialogs, "Disable"));
        await ctx.Dialogs.InvokeAsync(() => Button(ctx.Dialogs, "Disable").Click());

        page.WaitForAssertion(() => page.Find("button[aria-label='Enable collector']"));
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Disabled collector", ctx.Snackbars.Markup));
        Assert.Contains("Disabled", page.Find("tbody tr.mud-table-row").TextContent);
        Assert.Null(await ctx.Service<ApiKeyService>().ValidateAsync(created.Secret));

        // Enabling needs no confirmation: it takes effect at once.
        await page.InvokeAsync(() => page.Find("button[aria-label='Enable collector']").Click());
        page.WaitForAssertion(() => page.Find("button[aria-label='Disable collector']"));
        Assert.NotNull(await ctx.Service<ApiKeyService>().ValidateAsync(created.Secret));
    }
}
