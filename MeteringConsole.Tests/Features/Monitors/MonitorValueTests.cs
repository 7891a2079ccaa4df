using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Monitors;
using MeteringConsole.Tests.Features.Billing;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Monitors;

/// <summary>
/// Monitor values on hand-computed cases at the pinned clock (2026-11-21, monthly UTC periods).
/// Bucket A: commit 100, base 1.00, overage 1.50; bucket B: commit 10, base 2.00, overage 3.00.
/// </summary>
public sealed class MonitorValueTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private BillingFixture _data = null!;
    private int _source;
    private int _hours;
    private int _client;
    private int _assetA;
    private int _assetB;
    private int _bucketA;
    private int _bucketB;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _data = BillingFixture.For(_app);
        _source = await _data.SourceAsync("vmware");
        _hours = await _data.UnitTypeAsync("vcpu-hours", Aggregation.Sum, baseRate: 1, overageRate: 1.5m);
        _client = await _data.ClientAsync("Monitored");
        _assetA = await _data.AssetAsync(_source, "vm-a", _client);
        _assetB = await _data.AssetAsync(_source, "vm-b", _client);
        _bucketA = await _data.BucketAsync(_client, _source, _hours, Aggregation.Sum, 100, 1, 1.5m, new[] { _assetA }, name: "A");
        _bucketB = await _data.BucketAsync(_client, _source, _hours, Aggregation.Sum, 10, 2, 3, new[] { _assetB }, name: "B");
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<MonitorRow> CreateAsync(MonitorInput input) => _app.Service<MonitorService>(TestApp.Admin).CreateAsync(input);

    private async Task<List<(string Date, decimal? Value, string? Text)>> ValuesAsync(int monitor, DateOnly from, DateOnly to, string mode = "net")
        => (await _app.Service<MonitorValues>(TestApp.Viewer).ValuesAsync(monitor, _client, from, to, mode)).Values
            .Select(v => (v.Date, v.Value, v.Text)).ToList();

    private async Task<decimal?[]> NumbersAsync(MonitorInput input, DateOnly from, DateOnly to, string mode = "net")
        => (await ValuesAsync((await CreateAsync(input)).Id, from, to, mode)).Select(v => v.Value).ToArray();

    private static MonitorInput Contract(string item, int? bucket = null) => new(item, "", "contract", item, bucket);

    private static readonly DateOnly Nov1 = new(2026, 11, 1), Nov3 = new(2026, 11, 3);

    /// <summary>A: 40 on Nov 1, 50 on Nov 2, 30 on Nov 3 (120 by the 3rd); B: 15 on Nov 2.</summary>
    private async Task NovemberUsageAsync()
    {
        await _data.ReadingsAsync(_assetA, _hours, (Utc(2026, 11, 1, 9), 40), (Utc(2026, 11, 2, 9), 50), (Utc(2026, 11, 3, 9), 30));
        await _data.ReadingsAsync(_assetB, _hours, (Utc(2026, 11, 2, 9), 15));
    }

    [Fact]
    public async Task ContractMoneyItemsFollowTheDaysUsageAsABillingRunWouldPriceIt()
    {
        await NovemberUsageAsync();

        Assert.Equal(new decimal?[] { 110, 110, 110 }, await NumbersAsync(Contract("commit"), Nov1, Nov3));
        // Committed: 100 × 1.00 + 10 × 2.00.
        Assert.Equal(new decimal?[] { 120, 120, 120 }, await NumbersAsync(Contract("amount"), Nov1, Nov3));
        // A alone: 40, 90 are under commit (100.00); 120 is 20 over: 100 + 20 × 1.50 = 130.00.
        Assert.Equal(new decimal?[] { 100, 100, 130 }, await NumbersAsync(Contract("billed_amount", _bucketA), Nov1, Nov3));
        // B: 15 from Nov 2 is 5 over: 20 + 5 × 3.00 = 35.00. Invoice = A + B.
        Assert.Equal(new decimal?[] { 120, 135, 165 }, await NumbersAsync(Contract("invoice_total"), Nov1, Nov3));
        Assert.Equal(new decimal?[] { 20, 35, 35 }, await NumbersAsync(Contract("invoice_total", _bucketB), Nov1, Nov3));
        Assert.Equal(new decimal?[] { 1, 2, 3 }, await NumbersAsync(Contract("billed_days"), Nov1, Nov3));
    }

    [Fact]
    public async Task IncrementIsTheChangeFromThePreviousDayAcrossAPeriodStart()
    {
        await _data.ReadingsAsync(_assetA, _hours, (Utc(2026, 10, 31, 9), 150));
        await NovemberUsageAsync();

        // Oct 31 billed 100 + 50 × 1.50 + B's 20 = 195; November starts over at 120.
        var invoice = await NumbersAsync(Contract("invoice_total"), Nov1, Nov3, "increment");
        Assert.Equal(new decimal?[] { -75, 15, 30 }, invoice);
        Assert.Equal(new decimal?[] { -30, 1, 1 }, await NumbersAsync(Contract("billed_days"), Nov1, Nov3, "increment"));
    }

    [Fact]
    public async Task DateItemsGiveTheDateAsTextAndYyyymmddAndIncrementCountsTheDaysItMoved()
    {
        var start = await CreateAsync(Contract("start_date"));
        var net = await ValuesAsync(start.Id, new(2026, 10, 31), Nov1);
        Assert.Equal(new (string, decimal?, string?)[] { ("2026-10-31", 20261001, "2026-10-01"), ("2026-11-01", 20261101, "2026-11-01") }, net);
        var moved = await ValuesAsync(start.Id, Nov1, Nov1, "increment");
        Assert.Equal(("2026-11-01", (decimal?)31, (string?)null), Assert.Single(moved));

        var end = await ValuesAsync((await CreateAsync(Contract("end_date"))).Id, Nov1, Nov1);
        Assert.Equal("2026-11-30", Assert.Single(end).Text);
        var contract = await ValuesAsync((await CreateAsync(Contract("contract_start_date"))).Id, Nov1, Nov1);
        Assert.Equal("2026-01-01", Assert.Single(contract).Text);
        var unit = await ValuesAsync((await CreateAsync(Contract("cycle_unit"))).Id, Nov1, Nov1);
        Assert.Equal(("2026-11-01", (decimal?)null, "month"), Assert.Single(unit));
        Assert.Equal(new decimal?[] { 1 }, await NumbersAsync(Contract("cycle_length"), Nov1, Nov1));
    }

    [Fact]
    public async Task ABilledPeriodKeepsTheTermsItWasBilledUnderWhenTheBucketChangesLater()
    {
        await _data.ReadingsAsync(_assetA, _hours, (Utc(2026, 10, 10, 9), 150));
        await _app.Service<BillingRunService>(TestApp.Operator).RunAsync("2026-10-01");
        await using (var db = _app.Db())
        {
            var bucket = await db.BillingBuckets.FindAsync(_bucketA);
            bucket!.Commit = 200;
            await db.SaveChangesAsync();
        }

        var monitor = await CreateAsync(Contract("billed_amount", _bucketA));
        var values = await ValuesAsync(monitor.Id, new(2026, 10, 9), Nov1);
        // October as billed: commit 100, so 150 is 50 over: 100 + 75 = 175. November under the new commit: 200 × 1.00.
        Assert.Equal(new decimal?[] { 100, 175, 175, 175, 200 },
            values.Where(v => v.Date is "2026-10-09" or "2026-10-10" or "2026-10-20" or "2026-10-31" or "2026-11-01").Select(v => v.Value).ToArray());
    }

    [Fact]
    public async Task UsageAggregateFoldsThePeriodToDateAndStartsOverEachPeriod()
    {
        await _data.ReadingsAsync(_assetA, _hours, (Utc(2026, 10, 31, 9), 10));
        await NovemberUsageAsync();
        var sum = new MonitorInput("Hours", "", "usage_aggregate", UnitType: "vcpu-hours");
        var from = new DateOnly(2026, 10, 31);

        // A and B summed: Oct 31 10; November starts over: Nov 1 40; Nov 2 40 + 50 + 15; Nov 3 + 30.
        Assert.Equal(new decimal?[] { 10, 40, 105, 135 }, await NumbersAsync(sum, from, Nov3));
        Assert.Equal(new decimal?[] { 30, 65, 30 }, await NumbersAsync(sum, Nov1, Nov3, "increment"));
        // Max per asset, summed: A's max 40, then 50; B's 15 from Nov 2.
        Assert.Equal(new decimal?[] { 40, 65, 65 }, await NumbersAsync(sum with { Aggregation = "max" }, Nov1, Nov3));
        Assert.Equal(new decimal?[] { 0, 15, 15 }, await NumbersAsync(sum with { BucketId = _bucketB }, Nov1, Nov3));
    }

    [Fact]
    public async Task ABucketMonitorAnswersOnlyForItsClientAndRangesAreBounded()
    {
        var other = await _data.ClientAsync("Other");
        var monitor = await CreateAsync(Contract("commit", _bucketA));
        var values = _app.Service<MonitorValues>(TestApp.Viewer);

        var wrongClient = await Assert.ThrowsAsync<ValidationException>(() => values.ValuesAsync(monitor.Id, other, Nov1, Nov1, "net"));
        Assert.Contains("client_id", wrongClient.Errors.Keys);
        var tooLong = await Assert.ThrowsAsync<ValidationException>(() => values.ValuesAsync(monitor.Id, _client, new(2025, 1, 1), Nov1, "net"));
        Assert.Contains("to", tooLong.Errors.Keys);
        var badMode = await Assert.ThrowsAsync<ValidationException>(() => values.ValuesAsync(monitor.Id, _client, Nov1, Nov1, "gross"));
        Assert.Contains("mode", badMode.Errors.Keys);
        // Without client_id, a bucket monitor answers for the bucket's client; by default the 30 days ending today.
        var series = await values.ValuesAsync(monitor.Id, null, null, null, null);
        Assert.Equal((_client, 30, "2026-11-21"), (series.ClientId, series.Values.Count, series.Values[^1].Date));
    }

    [Theory]
    [InlineData("contract", null, null, null, "item")]
    [InlineData("contract", "final_cost", null, null, "item")]
    [InlineData("usage_aggregate", null, null, null, "unit_type")]
    [InlineData("usage_aggregate", null, "nope", null, "unit_type")]
    [InlineData("usage_aggregate", null, "vcpu-hours", "median", "aggregation")]
    [InlineData("usage_aggregate", "commit", "vcpu-hours", null, "item")]
    [InlineData("contract", "commit", "vcpu-hours", null, "unit_type")]
    [InlineData("coming_soon", null, null, null, "source")]
    [InlineData(null, null, null, null, "source")]
    public async Task BadMonitorInputNamesTheFieldAndStoresNothing(string? source, string? item, string? unitType, string? aggregation, string field)
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() => CreateAsync(new MonitorInput("M", "", source, item, null, unitType, aggregation)));
        Assert.Contains(field, error.Errors.Keys);
        await using var db = _app.Db();
        Assert.Empty(db.Monitors);
    }

    [Fact]
    public async Task UpdateKeepsOmittedFieldsAndSwitchingSourceDropsTheOthersFields()
    {
        var service = _app.Service<MonitorService>(TestApp.Admin);
        var monitor = await CreateAsync(new MonitorInput("Committed", "what we sold", "contract", "amount", _bucketA));

        var renamed = await service.UpdateAsync(monitor.Id, new MonitorInput("Committed $", null, null));
        Assert.Equal(("Committed $", "what we sold", "contract", "amount", (int?)_bucketA), (renamed.Name, renamed.Description, renamed.Source, renamed.Item, renamed.BucketId));

        var switched = await service.UpdateAsync(monitor.Id, new MonitorInput(null, null, "usage_aggregate", UnitType: "vcpu-hours"));
        Assert.Equal(("usage_aggregate", (string?)null, "vcpu-hours", "sum"), (switched.Source, switched.Item, switched.UnitType, switched.Aggregation));

        var missing = await Assert.ThrowsAsync<ValidationException>(() => service.UpdateAsync(monitor.Id, new MonitorInput(null, null, "contract")));
        Assert.Contains("item", missing.Errors.Keys);
        await service.DeleteAsync(monitor.Id);
        await Assert.ThrowsAsync<NotFoundException>(() => service.GetAsync(monitor.Id));
    }
}
