using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.UnitTypes;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Tests.Features.UnitTypes;

public sealed class UnitTypeServiceTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.CreateAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    private static UnitTypeInput Input(string name, string aggregation = "sum", decimal baseRate = 0.05m, decimal overageRate = 0.08m,
        string? filter = null, bool autoProvision = false, string? description = null)
        => new(name, description, aggregation, autoProvision, baseRate, overageRate, filter);

    [Fact]
    public async Task CreatedUnitTypeIsListedWithItsTemplateAndAudited()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Operator);
        var created = await unitTypes.CreateAsync(Input(" vcpu-hours ", "max", 0.012345m, 0.02m, " vm-* ", autoProvision: true, description: "vCPU hours"));

        var row = Assert.Single((await unitTypes.ListAsync(new UnitTypeFilter(), new PageRequest())).Items);
        Assert.Equal(created.Id, row.Id);
        Assert.Equal(("vcpu-hours", "vCPU hours", Aggregation.Max, true), (row.Name, row.Description, row.Aggregation, row.AutoProvision));
        Assert.Equal((0.012345m, 0.02m, "vm-*"), (row.BaseRate, row.OverageRate, row.FilterPattern));

        await using var db = _app.Db();
        var audit = await db.AuditEntries.SingleAsync();
        Assert.Equal(("Insert", "unit_types", created.Id.ToString(), "user:operator@test"), (audit.Action, audit.Table, audit.RecordId, audit.Actor));
        Assert.Contains("\"name\":\"vcpu-hours\"", audit.NewValues);
        Assert.Null(audit.OldValues);
    }

    [Fact]
    public async Task EditIsAuditedWithActorAndOnlyTheChangedOldAndNewValues()
    {
        var created = await _app.Service<UnitTypeService>(TestApp.Admin).CreateAsync(Input("gb-month", baseRate: 0.05m, overageRate: 0.08m));
        await _app.Service<UnitTypeService>(TestApp.Operator).UpdateAsync(created.Id, Input("gb-month", "avg", baseRate: 0.06m, overageRate: 0.08m));

        await using var db = _app.Db();
        var update = await db.AuditEntries.SingleAsync(a => a.Action == "Update");
        Assert.Equal(("unit_types", created.Id.ToString(), "user:operator@test", "u-op"), (update.Table, update.RecordId, update.Actor, update.UserId));
        var oldValues = JsonDocument.Parse(update.OldValues!).RootElement;
        var newValues = JsonDocument.Parse(update.NewValues!).RootElement;
        Assert.Equal(new[] { "aggregation", "base_rate" }, oldValues.EnumerateObject().Select(p => p.Name).OrderBy(n => n));
        Assert.Equal(("Sum", 0.05m), (oldValues.GetProperty("aggregation").GetString(), oldValues.GetProperty("base_rate").GetDecimal()));
        Assert.Equal(("Avg", 0.06m), (newValues.GetProperty("aggregation").GetString(), newValues.GetProperty("base_rate").GetDecimal()));
    }

    [Fact]
    public async Task SavingWithoutChangesWritesNoAuditEntry()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        var created = await unitTypes.CreateAsync(Input("seats", baseRate: 1.5m));
        await unitTypes.UpdateAsync(created.Id, Input("seats", baseRate: 1.500000m));

        await using var db = _app.Db();
        Assert.Equal(1, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task NamesAreUniqueIgnoringCaseOnCreateAndOnRename()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        await unitTypes.CreateAsync(Input("vcpu-hours"));
        var other = await unitTypes.CreateAsync(Input("gb-month"));

        var error = await Assert.ThrowsAsync<ConflictException>(() => unitTypes.CreateAsync(Input("VCPU-Hours")));
        Assert.Contains("already exists", error.Message);
        await Assert.ThrowsAsync<ConflictException>(() => unitTypes.UpdateAsync(other.Id, Input("Vcpu-Hours")));
        // Changing only the case of its own name is not a clash.
        Assert.Equal("GB-Month", (await unitTypes.UpdateAsync(other.Id, Input("GB-Month"))).Name);
        await using var db = _app.Db();
        Assert.Equal(2, await db.UnitTypes.CountAsync());
    }

    [Fact]
    public async Task InvalidInputIsRefusedWithFieldMessagesAndNothingIsWritten()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        var error = await Assert.ThrowsAsync<ValidationException>(() => unitTypes.CreateAsync(
            new UnitTypeInput(" ", new string('d', 1001), "median", false, -1m, 0.1234567m, "vm-[0-9]*")));

        Assert.Equal(new[] { "aggregation", "base_rate", "description", "filter_pattern", "name", "overage_rate" }, error.Errors.Keys.OrderBy(k => k));
        Assert.Contains("Name is required.", error.Errors["name"]);
        Assert.Contains("Base rate must not be negative.", error.Errors["base_rate"]);
        Assert.Contains("Overage rate must have at most 6 decimal places.", error.Errors["overage_rate"]);
        Assert.Contains("must be sum, max, avg, last or count", error.Errors["aggregation"][0]);
        await using var db = _app.Db();
        Assert.Equal(0, await db.UnitTypes.CountAsync());
        Assert.Equal(0, await db.AuditEntries.CountAsync());
    }

    [Theory]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("median")]
    public async Task AggregationMustBeOneOfTheNamesNotANumber(string aggregation)
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => _app.Service<UnitTypeService>(TestApp.Admin).CreateAsync(Input("a", aggregation)));
        Assert.Equal(new[] { "aggregation" }, error.Errors.Keys);
    }

    [Fact]
    public async Task AggregationNamesIgnoreCaseAndSurroundingSpaces()
        => Assert.Equal(Aggregation.Count, (await _app.Service<UnitTypeService>(TestApp.Admin).CreateAsync(Input("a", " Count "))).Aggregation);

    [Fact]
    public async Task FilterPatternIsOptionalAndLimitedTo200Characters()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        Assert.Equal("", (await unitTypes.CreateAsync(Input("everything", filter: null))).FilterPattern);
        Assert.Equal(new string('x', 200), (await unitTypes.CreateAsync(Input("long", filter: new string('x', 200)))).FilterPattern);
        var error = await Assert.ThrowsAsync<ValidationException>(() => unitTypes.CreateAsync(Input("too-long", filter: new string('x', 201))));
        Assert.Equal(new[] { "filter_pattern" }, error.Errors.Keys);
    }

    [Fact]
    public async Task RatesKeepSixDecimalsAndRefuseMoreOrHuge()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        var created = await unitTypes.CreateAsync(Input("precise", baseRate: 0.000001m, overageRate: 123456.654321m));
        var read = await unitTypes.GetAsync(created.Id);
        Assert.Equal((0.000001m, 123456.654321m), (read.BaseRate, read.OverageRate));
        Assert.Equal("0.000001", read.BaseRate.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var error = await Assert.ThrowsAsync<ValidationException>(() => unitTypes.CreateAsync(Input("huge", baseRate: 10_000_000_000m)));
        Assert.Equal(new[] { "base_rate" }, error.Errors.Keys);
    }

    [Fact]
    public async Task ViewerMayListButNotCreateEditOrDelete()
    {
        var created = await _app.Service<UnitTypeService>(TestApp.Admin).CreateAsync(Input("seats"));
        var viewer = _app.Service<UnitTypeService>(TestApp.Viewer);

        await Assert.ThrowsAsync<ForbiddenException>(() => viewer.CreateAsync(Input("other")));
        await Assert.ThrowsAsync<ForbiddenException>(() => viewer.UpdateAsync(created.Id, Input("renamed")));
        await Assert.ThrowsAsync<ForbiddenException>(() => viewer.DeleteAsync(created.Id));
        Assert.Equal("seats", Assert.Single((await viewer.ListAsync(new UnitTypeFilter(), new PageRequest())).Items).Name);
    }

    [Fact]
    public async Task ListPagesSortsAndSearchesOnTheServer()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        var rates = new[] { ("delta", 4m), ("alpha", 0.5m), ("charlie", 12m), ("bravo", 2m), ("echo", 0.25m) };
        foreach (var (name, rate) in rates) await unitTypes.CreateAsync(Input(name, baseRate: rate, description: name == "echo" ? "backup storage" : null));

        var byName = await unitTypes.ListAsync(new UnitTypeFilter(), new PageRequest(Skip: 1, Take: 2));
        Assert.Equal(5, byName.Total);
        Assert.Equal(new[] { "bravo", "charlie" }, byName.Items.Select(u => u.Name));

        // Rates are stored as integer millionths precisely so that this sorts in SQL.
        var byRate = await unitTypes.ListAsync(new UnitTypeFilter(), new PageRequest(Take: 3, OrderBy: "BaseRate desc"));
        Assert.Equal(new[] { "charlie", "delta", "bravo" }, byRate.Items.Select(u => u.Name));

        var search = await unitTypes.ListAsync(new UnitTypeFilter("storage"), new PageRequest());
        Assert.Equal("echo", Assert.Single(search.Items).Name);
        Assert.Equal(1, search.Total);
    }

    [Fact]
    public async Task UnusedUnitTypeCanBeDeletedAndTheDeleteIsAudited()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        var created = await unitTypes.CreateAsync(Input("typo-hours"));
        await unitTypes.DeleteAsync(created.Id);

        await using var db = _app.Db();
        Assert.Equal(0, await db.UnitTypes.CountAsync());
        var delete = await db.AuditEntries.SingleAsync(a => a.Action == "Delete");
        Assert.Contains("\"name\":\"typo-hours\"", delete.OldValues);
        await Assert.ThrowsAsync<NotFoundException>(() => unitTypes.DeleteAsync(created.Id));
    }

    [Fact]
    public async Task UnitTypeWithReadingsOrBucketsCannotBeDeleted()
    {
        var unitTypes = _app.Service<UnitTypeService>(TestApp.Admin);
        var metered = await unitTypes.CreateAsync(Input("vcpu-hours"));
        var billed = await unitTypes.CreateAsync(Input("gb-month"));
        await using (var db = _app.Db())
        {
            var source = new SourceType { Name = "vmware", CreatedAt = TestClock.Now.UtcDateTime };
            var client = new Client { Name = "Acme", CreatedAt = TestClock.Now.UtcDateTime };
            var asset = new Asset { SourceType = source, ExternalId = "vm-1", CreatedAt = TestClock.Now.UtcDateTime };
            db.AddRange(source, client, asset);
            await db.SaveChangesAsync();
            db.UsageReadings.Add(new UsageReading { AssetId = asset.Id, UnitTypeId = metered.Id, EventId = "e1", Value = 1, SentBy = "test" });
            db.BillingBuckets.Add(new BillingBucket { ClientId = client.Id, Name = "Storage", SourceTypeId = source.Id, UnitTypeId = billed.Id, CreatedAt = TestClock.Now.UtcDateTime });
            await db.SaveChangesAsync();
        }

        var readings = await Assert.ThrowsAsync<ConflictException>(() => unitTypes.DeleteAsync(metered.Id));
        Assert.Contains("usage readings", readings.Message);
        var buckets = await Assert.ThrowsAsync<ConflictException>(() => unitTypes.DeleteAsync(billed.Id));
        Assert.Contains("billing buckets", buckets.Message);
        Assert.Equal(2, (await unitTypes.ListAsync(new UnitTypeFilter(), new PageRequest())).Total);
    }
}
