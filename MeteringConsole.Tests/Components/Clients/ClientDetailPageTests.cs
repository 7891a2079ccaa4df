using AngleSharp.Dom;
using Bunit;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Clients;

namespace MeteringConsole.Tests.Components.Clients;

public sealed class ClientDetailPageTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static IRenderedComponent<ClientDetailPage> Render(PageTestContext ctx, int id)
        => ctx.Render<ClientDetailPage>(p => p.Add(c => c.Id, id));

    [Fact]
    public async Task ClientPageShowsOneCardPerBucketWithItsHistory()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        // The sample's client whose buckets have billed periods: each card charts them.
        var cards = await ctx.Service<BucketCardService>().CardsAsync(1);
        Assert.NotEmpty(cards);
        Assert.Contains(cards, c => c.History.Count > 0);

        var page = Render(ctx, 1);

        page.WaitForAssertion(() => Assert.Equal(cards.Count, page.FindAll(".mc-bucket-card").Count), Wait);
        foreach (var card in cards)
        {
            var view = page.Find($".mc-bucket-card[data-bucket='{card.Bucket.Id}']");
            Assert.Contains(card.Bucket.Name, view.TextContent);
            Assert.Contains("Projected cost", view.TextContent);
            Assert.Matches("^(Over commit|Under commit|On track|Disabled)$", view.QuerySelector(".mc-card-status")!.TextContent.Trim());
            if (card.History.Count == 0)
            {
                Assert.Contains("No billed period yet.", view.TextContent);
                continue;
            }
            // The history chart: its legend names overage and buffer, its axis every billed period shown.
            Assert.NotEmpty(view.QuerySelectorAll("svg rect, svg path"));
            Assert.Contains("Overage", view.TextContent);
            Assert.Contains("Buffer", view.TextContent);
            Assert.All(card.History, h => Assert.Contains(h.Period, view.TextContent));
        }
        Assert.Contains($"Current period {cards[0].Period}", page.Markup);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Edit");
    }

    [Fact]
    public async Task CardSaysWhetherTheBucketIsHeadingOverItsCommit()
    {
        await using var app = await SampleApp.CreateAsync();
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);
        var cards = await ctx.Service<BucketCardService>().CardsAsync(1);

        var page = Render(ctx, 1);

        page.WaitForAssertion(() => Assert.Equal(cards.Count, page.FindAll(".mc-bucket-card").Count), Wait);
        foreach (var card in cards)
        {
            // Seed 002: over commit, or under it (said with its buffer), or on track exactly at commit.
            var expected = !card.Bucket.Enabled ? "Disabled" : card.OverCommit ? "Over commit"
                : card.ProjectedUsage < card.Bucket.Commit ? "Under commit" : "On track";
            Assert.Equal(expected, page.Find($".mc-bucket-card[data-bucket='{card.Bucket.Id}'] .mc-card-status").TextContent.Trim());
        }
    }

    [Fact]
    public async Task ClientWithoutBucketsShowsItsFactsAndWhereToCreateOne()
    {
        await using var app = await TestApp.CreateAsync();
        var client = await app.Service<ClientService>(TestApp.Admin).CreateAsync(new ClientInput("Contoso", true, new[] { "billing@contoso.test" }));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer, app);

        var page = Render(ctx, client.Id);

        page.WaitForAssertion(() => Assert.Contains("No billing buckets", page.Find(".mc-empty").TextContent), Wait);
        Assert.Equal("Contoso", page.Find("h1").TextContent.Trim());
        Assert.Contains("billing@contoso.test", page.Find(".mc-client-facts").TextContent);
        Assert.Equal($"assets?client={client.Id}", page.Find(".mc-client-facts a").GetAttribute("href"));
        Assert.Contains(page.FindAll(".mud-breadcrumbs a"), a => a.GetAttribute("href") == "clients");
    }

    [Fact]
    public async Task UnknownClientSaysSo()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer);

        var page = Render(ctx, 999);

        page.WaitForAssertion(() => Assert.Equal("Client not found", page.Find("h1").TextContent.Trim()), Wait);
        Assert.Contains("There is no client 999", page.Markup);
    }

    [Fact]
    public async Task OperatorEditsTheClientFromItsPage()
    {
        await using var app = await TestApp.CreateAsync();
        var client = await app.Service<ClientService>(TestApp.Admin).CreateAsync(new ClientInput("Contoso", true, null));
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Operator, app);
        var page = Render(ctx, client.Id);
        page.WaitForAssertion(() => page.Find(".mc-empty"), Wait);

        await page.InvokeAsync(() => Button(page.FindAll("button"), "Edit").Click());
        var dialog = ctx.Dialogs;
        dialog.WaitForAssertion(() => Assert.Equal("Contoso", dialog.Find("input#name").GetAttribute("value")), Wait);
        await dialog.InvokeAsync(() => dialog.Find("input#name").Change("Contoso Renamed"));
        await dialog.InvokeAsync(() => Button(dialog.FindAll("button"), "Save").Click());

        page.WaitForAssertion(() => Assert.Equal("Contoso Renamed", page.Find("h1").TextContent.Trim()), Wait);
        Assert.Equal("Contoso Renamed", (await ctx.Service<ClientService>().GetAsync(client.Id)).Name);
        ctx.Snackbars.WaitForAssertion(() => Assert.Contains("Client saved: Contoso Renamed", ctx.Snackbars.Markup), Wait);
    }

    private static IElement Button(IEnumerable<IElement> buttons, string text) => buttons.First(b => b.TextContent.Trim() == text);
}
