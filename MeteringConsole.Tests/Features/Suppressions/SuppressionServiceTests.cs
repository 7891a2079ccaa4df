using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Suppressions;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Tests.Features.Suppressions;

public sealed class SuppressionServiceTests : IAsyncLifetime
{
    private static readonly Actor IngestKey = new(ActorKind.ApiKey, "collector", Roles.Ingest, ApiKeyId: 42);

    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.CreateAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CreatedRuleIsListedWithNoHitsAndAudited()
    {
        var suppressions = _app.Service<SuppressionService>(TestApp.Operator);
        var created = await suppressions.CreateAsync(new SuppressionInput(" vm-template-* ", "Glob", " Golden images are never billed "));

        var row = Assert.Single((await suppressions.ListAsync(new SuppressionFilter(), new PageRequest())).Items);
        Assert.Equal((created.Id, "vm-template-*", SuppressionType.Glob, "Golden images are never billed"), (row.Id, row.Pattern, row.Type, row.Reason));
        Assert.Equal((0L, (DateTime?)null), (row.HitCount, row.LastHitAt));

        await using var db = _app.Db();
        var audit = await db.AuditEntries.SingleAsync();
        Assert.Equal(("Insert", "ingest_suppressions", created.Id.ToString(), "user:operator@test"), (audit.Action, audit.Table, audit.RecordId, audit.Actor));
        Assert.Contains("\"pattern\":\"vm-template-*\"", audit.NewValues);
    }

    [Theory]
    [InlineData("(unclosed", "regex", "pattern", "does not compile")]
    [InlineData("vm-[0-9]*", "glob", "pattern", "only * and ?")]
    [InlineData("*", "glob", "pattern", "every asset")]
    [InlineData("", "exact", "pattern", "Pattern is required.")]
    [InlineData("vm-1", "wildcard", "type", "Type must be exact, glob or regex.")]
    [InlineData("vm-1", "2", "type", "Type must be exact, glob or regex.")]
    [InlineData("vm-1", null, "type", "Type must be exact, glob or regex.")]
    public async Task InvalidRuleIsRefusedWithAFieldMessageAndNothingIsWritten(string pattern, string? type, string field, string message)
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            _app.Service<SuppressionService>(TestApp.Admin).CreateAsync(new SuppressionInput(pattern, type, null)));

        Assert.Equal(new[] { field }, error.Errors.Keys);
        Assert.Contains(message, error.Errors[field][0]);
        await using var db = _app.Db();
        Assert.Equal(0, await db.IngestSuppressions.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task PatternAndReasonAreLimitedTo500Characters()
    {
        var suppressions = _app.Service<SuppressionService>(TestApp.Admin);
        await suppressions.CreateAsync(new SuppressionInput(new string('p', 500), "exact", new string('r', 500)));
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            suppressions.CreateAsync(new SuppressionInput(new string('p', 501), "exact", new string('r', 501))));
        Assert.Equal(new[] { "pattern", "reason" }, error.Errors.Keys.OrderBy(k => k));
    }

    [Fact]
    public async Task TheSameRuleTwiceIsAConflictButTheSamePatternOfAnotherTypeIsNot()
    {
        var suppressions = _app.Service<SuppressionService>(TestApp.Admin);
        await suppressions.CreateAsync(new SuppressionInput("vm-1", "exact", null));

        await Assert.ThrowsAsync<ConflictException>(() => suppressions.CreateAsync(new SuppressionInput("vm-1", "exact", "again")));
        await suppressions.CreateAsync(new SuppressionInput("VM-1", "exact", "exact rules are case-sensitive"));
        await suppressions.CreateAsync(new SuppressionInput("vm-1", "glob", null));
        Assert.Equal(3, (await suppressions.ListAsync(new SuppressionFilter(), new PageRequest())).Total);
    }

    [Fact]
    public async Task DeleteRemovesTheRuleAndIsAudited()
    {
        var suppressions = _app.Service<SuppressionService>(TestApp.Admin);
        var created = await suppressions.CreateAsync(new SuppressionInput("^tmp-", "regex", "scratch VMs"));
        await suppressions.DeleteAsync(created.Id);

        Assert.Equal(0, (await suppressions.ListAsync(new SuppressionFilter(), new PageRequest())).Total);
        await using var db = _app.Db();
        var delete = await db.AuditEntries.SingleAsync(a => a.Action == "Delete");
        Assert.Equal(("ingest_suppressions", created.Id.ToString(), "user:admin@test"), (delete.Table, delete.RecordId, delete.Actor));
        Assert.Contains("\"pattern\":\"^tmp-\"", delete.OldValues);
        await Assert.ThrowsAsync<NotFoundException>(() => suppressions.DeleteAsync(created.Id));
    }

    [Fact]
    public async Task ViewerMayListButNotCreateOrDelete()
    {
        var created = await _app.Service<SuppressionService>(TestApp.Admin).CreateAsync(new SuppressionInput("vm-1", "exact", null));
        var viewer = _app.Service<SuppressionService>(TestApp.Viewer);

        await Assert.ThrowsAsync<ForbiddenException>(() => viewer.CreateAsync(new SuppressionInput("vm-2", "exact", null)));
        await Assert.ThrowsAsync<ForbiddenException>(() => viewer.DeleteAsync(created.Id));
        Assert.Single((await viewer.ListAsync(new SuppressionFilter(), new PageRequest())).Items);
    }

    [Fact]
    public async Task ListPagesSortsAndFiltersOnTheServer()
    {
        var suppressions = _app.Service<SuppressionService>(TestApp.Admin);
        foreach (var (pattern, type, reason) in new[]
                 {
                     ("vm-b", "exact", "decommissioned"), ("vm-a", "exact", ""), ("tmp-*", "glob", "scratch"),
                     ("^test-", "regex", "test fleet"), ("*-template", "glob", "golden images"),
                 })
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            await suppressions.CreateAsync(new SuppressionInput(pattern, type, reason));
        }

        var newestFirst = await suppressions.ListAsync(new SuppressionFilter(), new PageRequest(Take: 2));
        Assert.Equal(5, newestFirst.Total);
        Assert.Equal(new[] { "*-template", "^test-" }, newestFirst.Items.Select(s => s.Pattern));

        var byPattern = await suppressions.ListAsync(new SuppressionFilter(), new PageRequest(Skip: 1, Take: 2, OrderBy: "Pattern desc"));
        Assert.Equal(new[] { "vm-a", "tmp-*" }, byPattern.Items.Select(s => s.Pattern));

        var globs = await suppressions.ListAsync(new SuppressionFilter(Type: SuppressionType.Glob), new PageRequest(OrderBy: "Pattern"));
        Assert.Equal(new[] { "*-template", "tmp-*" }, globs.Items.Select(s => s.Pattern));

        var search = await suppressions.ListAsync(new SuppressionFilter(Search: "fleet"), new PageRequest());
        Assert.Equal("^test-", Assert.Single(search.Items).Pattern);
    }

    [Fact]
    public async Task IngestLoadsAMatcherAndCountsHitsWithoutAuditNoise()
    {
        var admin = _app.Service<SuppressionService>(TestApp.Admin);
        var glob = await admin.CreateAsync(new SuppressionInput("tmp-*", "glob", null));
        var exact = await admin.CreateAsync(new SuppressionInput("vm-9", "exact", null));
        var ingest = _app.Service<SuppressionService>(IngestKey);

        var matcher = await ingest.LoadMatcherAsync();
        Assert.Equal(glob.Id, matcher.MatchingRuleId("TMP-42", null));
        Assert.Equal(exact.Id, matcher.MatchingRuleId("x", "vm-9"));

        var first = new DateTime(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc);
        await ingest.RecordHitsAsync(new Dictionary<int, long> { [glob.Id] = 3 }, first.AddHours(1));
        await ingest.RecordHitsAsync(new Dictionary<int, long> { [glob.Id] = 2, [exact.Id] = 1 }, first);

        var rows = (await admin.ListAsync(new SuppressionFilter(), new PageRequest(OrderBy: "Id"))).Items;
        Assert.Equal((5L, first.AddHours(1)), (rows[0].HitCount, rows[0].LastHitAt));
        Assert.Equal((1L, first), (rows[1].HitCount, rows[1].LastHitAt));
        await using var db = _app.Db();
        Assert.Equal(2, await db.AuditEntries.CountAsync());
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<SuppressionService>(TestApp.Viewer).LoadMatcherAsync());
    }
}
