using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;

namespace MeteringConsole.Tests.Components.Billing;

/// <summary>A bucket card's heading: Over commit, Under commit with its projected buffer, or On track (seed 002).</summary>
public sealed class BucketCardViewTests
{
    private static BucketCard Card(decimal projected, decimal commit = 100) => new(
        new BucketRow(7, 1, "Acme", "Acme compute", "vmware", "vcpu-hours", Aggregation.Sum, commit, 2.5m, 4m, true, true, false,
            TestClock.Now.UtcDateTime, ["vm-a"], new DateOnly(2026, 1, 1), null, true),
        "2026-11-01", projected / 2, projected, 0, commit == 0 ? null : projected / commit * 100, projected > commit, []);

    [Theory]
    // Under: (100 − 64) units unused × 2.50 base rate.
    [InlineData(64, "Under commit", "90.00 USD buffer")]
    [InlineData(130, "Over commit", null)]
    [InlineData(100, "On track", null)]
    public async Task TheHeadingSaysWhereTheBucketIsHeading(decimal projected, string status, string? buffer)
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer);

        var card = ctx.Render<BucketCardView>(p => p.Add(c => c.Card, Card(projected)).Add(c => c.Currency, "USD"));

        Assert.Equal(status, card.Find(".mc-card-status").TextContent.Trim());
        if (buffer is null) Assert.Empty(card.FindAll("[data-testid=projected-buffer]"));
        else Assert.Equal(buffer, card.Find("[data-testid=projected-buffer]").TextContent.Trim());
    }

    [Fact]
    public async Task ABucketWithNoCommitIsNeverUnderIt()
    {
        await using var ctx = await PageTestContext.CreateAsync(TestApp.Viewer);

        var card = ctx.Render<BucketCardView>(p => p.Add(c => c.Card, Card(0, commit: 0)).Add(c => c.Currency, "USD"));

        Assert.Equal("On track", card.Find(".mc-card-status").TextContent.Trim());
    }
}
