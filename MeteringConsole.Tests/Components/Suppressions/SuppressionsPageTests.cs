using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Suppressions;

namespace MeteringConsole.Tests.Components.Suppressions;

public sealed class SuppressionsPageTests
{
    private static IReadOnlyList<string> Patterns(IRenderedComponent<SuppressionsPage> page)
        => page.FindAll("tbody .mc-pattern").Select(e => e.TextContent.Trim()).ToList();

    private static IElement TextButton<T>(IRenderedComponent<T> root, string text) where T : Microsoft.AspNetCore.Components.IComponent
        => root.FindAll("button").First(b => b.TextContent.Trim() == text);

    private static async Task<IReadOnlyList<SuppressionRow>> SavedAsync(PageTestContext ctx)
        => (await ctx.Service<SuppressionService>().ListAsync(new SuppressionFilter(), new PageRequest())).Items;

    [Fact]
    public async Task ViewerSeesRulesButNoEditControls()
    {
        await using var app = await TestApp.CreateAsync();
        await app.Service<SuppressionService>(TestApp.Admin).CreateAsync(new SuppressionInput("template-vm", "exact", "made before the page opened"));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = ctx.Render<SuppressionsPage>();

        page.WaitForAssertion(() => Assert.Equal(new[] { "template-vm" }, Patterns(page)));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Contains("New rule"));
        Assert.DoesNotContain(page.FindAll("th"), th => th.TextContent.Contains("Actions"));
        Assert.Empty(page.FindAll("button[aria-label^='Delete rule']"));
    }

    [Fact]
    public async Task EmptyStateTellsEachRoleWhatHappens()
    {
        await using var app = await TestApp.CreateAsync();
        await using (var editor = await PageTestContext.CreateAsync(TestApp.Operator, app))
        {
            var page = editor.Render<SuppressionsPage>();
            page.WaitForAssertion(() => Assert.Contains("Add a rule with New rule", page.Find(".mc-empty").TextContent));
        }
        await using var viewer = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var viewed = viewer.Render<SuppressionsPage>();
        viewed.WaitForAssertion(() => Assert.Contains("An Admin or Operator can add rules", viewed.Find(".mc-empty").TextContent));
    }

    [Fact]
    public async Task GridAsksTheServiceForOnePageSortedByTheClickedColumn()
    {
        await using var app = await TestApp.CreateAsync();
        var rules = app.Service<SuppressionService>(TestApp.Admin);
        for (var i = 1; i <= 30; i++) await rules.CreateAsync(new SuppressionInput($"vm-{i:00}", "exact", ""));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var page = ctx.Render<SuppressionsPage>();
        page.WaitForAssertion(() => Assert.Equal(25, Patterns(page).Count));

        await page.InvokeAsync(() => page.Find("th .mud-button-root").Click());
        page.WaitForAssertion(() => Assert.Equal("vm-01", Patterns(page)[0]));
        await page.InvokeAsync(() => page.Find("th .mud-button-root").Click());
        page.WaitForAssertion(() => Assert.Equal("vm-30", Patterns(page)[0]));
        Assert.Contains("1-25 of 30", page.Find(".mud-table-pagination").TextContent);
    }

    [Fact]
    public async Task OperatorAddsAGlobRuleAfterTryingItOnASample()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator);
        var page = ctx.Render<SuppressionsPage>();
        page.WaitForAssertion(() => page.Find(".mc-empty"));

        await page.InvokeAsync(() => TextButton(page, "New rule").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#pattern"));
        await dialog.InvokeAsync(() => TextButton(dialog, "glob").Click());
        dialog.WaitForAssertion(() => Assert.Contains("* is any run of characters", dialog.Markup));
        await dialog.InvokeAsync(() => dialog.Find("input#pattern").Input("test-tmp-*"));
        await dialog.InvokeAsync(() => dialog.Find("textarea#reason").Change("Scratch VMs"));
        await dialog.InvokeAsync(() => dialog.Find("input#sample").Input("TEST-TMP-42"));
        dialog.WaitForAssertion(() => Assert.Contains("Matches", dialog.Find("[data-testid=try-result]").TextContent));
        await dialog.InvokeAsync(() => dialog.Find("input#sample").Input("prod-1"));
        dialog.WaitForAssertion(() => Assert.Contains("No match", dialog.Find("[data-testid=try-result]").TextContent));
        await dialog.InvokeAsync(() => TextButton(dialog, "Save").Click());

        page.WaitForAssertion(() => Assert.Equal(new[] { "test-tmp-*" }, Patterns(page)));
        var row = page.FindAll("tbody tr.mud-table-row").Single();
        Assert.Contains("glob", row.TextContent);
        Assert.Contains("never", row.TextContent);
        var saved = Assert.Single(await SavedAsync(ctx));
        Assert.Equal((SuppressionType.Glob, "Scratch VMs"), (saved.Type, saved.Reason));
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Rule created: test-tmp-*", ctx.Snackbars.Markup));
    }

    [Fact]
    public async Task ARegexThatDoesNotCompileIsAFieldMessageAndNothingIsSaved()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Admin);
        var page = ctx.Render<SuppressionsPage>();
        await page.InvokeAsync(() => TextButton(page, "New rule").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => dialog.Find("input#pattern"));
        await dialog.InvokeAsync(() => TextButton(dialog, "regex").Click());
        await dialog.InvokeAsync(() => dialog.Find("input#pattern").Input("^(vm-"));
        await dialog.InvokeAsync(() => dialog.Find("input#sample").Input("vm-1"));
        dialog.WaitForAssertion(() => Assert.Contains("not valid yet", dialog.Find("[data-testid=try-result]").TextContent));
        await dialog.InvokeAsync(() => TextButton(dialog, "Save").Click());

        dialog.WaitForAssertion(() => Assert.Contains("does not compile", dialog.Find(".mud-input-helper-text.mud-input-error").TextContent));
        Assert.Empty(await SavedAsync(ctx));
    }

    [Fact]
    public async Task DeleteAsksFirstAndCancellingKeepsTheRule()
    {
        await using var app = await TestApp.CreateAsync();
        await app.Service<SuppressionService>(TestApp.Admin).CreateAsync(new SuppressionInput("tmp-*", "glob", ""));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = ctx.Render<SuppressionsPage>();
        page.WaitForAssertion(() => Assert.Single(Patterns(page)));

        await page.InvokeAsync(() => page.Find("button[aria-label='Delete rule tmp-*']").Click());
        ctx.Dialogs.WaitForAssertion(() => Assert.Contains("ingested again", ctx.Dialogs.Markup));
        await ctx.Dialogs.InvokeAsync(() => TextButton(ctx.Dialogs, "Cancel").Click());
        Assert.Single(await SavedAsync(ctx));
        Assert.Single(Patterns(page));

        await page.InvokeAsync(() => page.Find("button[aria-label='Delete rule tmp-*']").Click());
        ctx.Dialogs.WaitForAssertion(() => TextButton(ctx.Dialogs, "Delete"));
        await ctx.Dialogs.InvokeAsync(() => TextButton(ctx.Dialogs, "Delete").Click());
        page.WaitForAssertion(() => Assert.Empty(Patterns(page)));
        Assert.Empty(await SavedAsync(ctx));
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Deleted rule tmp-*", ctx.Snackbars.Markup));
    }
}
