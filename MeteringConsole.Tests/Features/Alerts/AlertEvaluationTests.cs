using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Alerts;
using MeteringConsole.Tests.Features.Billing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Alerts;

/// <summary>
/// Every alert type on hand-computed cases, evaluated inline over a real database at the pinned
/// clock (2026-11-21 12:00 UTC: the open period is November, 20.5 of its 30 days gone).
/// Bucket: commit 100 units, base rate 1.00, overage rate 1.50.
/// </summary>
public sealed class AlertEvaluationTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private BillingFixture _data = null!;
    private int _source;
    private int _hours;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _data = BillingFixture.For(_app);
        _source = await _data.SourceAsync("vmware");
        _hours = await _data.UnitTypeAsync("vcpu-hours", Aggregation.Sum, baseRate: 1, overageRate: 1.5m);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    /// <summary>A client with one asset bound to a commit-100 bucket.</summary>
    private async Task<(int Client, int Asset)> ClientWithBucketAsync(string name, decimal commit = 100)
    {
        var client = await _data.ClientAsync(name);
        var asset = await _data.AssetAsync(_source, $"vm-{name}", client);
        await _data.BucketAsync(client, _source, _hours, Aggregation.Sum, commit, baseRate: 1, overageRate: 1.5m, new[] { asset });
        return (client, asset);
    }

    private Task UseAsync(int asset, double value, int day = 10) => _data.ReadingsAsync(asset, _hours, (Utc(2026, 11, day, 9), value));

    private Task<AlertRow> CreateAsync(AlertInput input) => _app.Service<AlertService>(TestApp.Admin).CreateAsync(input);

    private Task<EvaluationOutcome> EvaluateAsync() => _app.Service<AlertEvaluator>(TestApp.Admin).EvaluateAsync();

    private Task<CustomerAlertRow> StateAsync(int alert, int client) => _app.Service<AlertStateService>(TestApp.Viewer).CustomerAlertAsync(alert, client);

    private async Task<List<AlertNotification>> NotificationsAsync(int alert)
    {
        await using var db = _app.Db();
        return await db.AlertNotifications.Where(n => n.AlertId == alert).OrderBy(n => n.Id).ToListAsync();
    }

    [Fact]
    public async Task SpendCrossesOnceStaysInAlarmSilentlyAndANewPeriodResetsIt()
    {
        var (client, asset) = await ClientWithBucketAsync("Spendy");
        await UseAsync(asset, 80);
        var alert = await CreateAsync(new AlertInput("spend_threshold_reached", "Soft spend", 100, client));

        // 80 units at 1.00 = 80.00: under the threshold.
        var ok = await StateAsync(alert.Id, client);
        Assert.Equal(("ok", 80m, "2026-11-01"), (ok.Status, ok.CurrentValue, ok.PeriodStart));

        // 110 units: 100 at 1.00 + 10 over at 1.50 = 115.00.
        await UseAsync(asset, 30);
        var crossed = await EvaluateAsync();
        var alarm = await StateAsync(alert.Id, client);
        Assert.Equal(1, crossed.Triggered);
        Assert.Equal(("in_alarm", 115m, TestClock.Now.UtcDateTime), (alarm.Status, alarm.Value, alarm.TriggeredAt));

        // 115 units: 122.50, still in alarm; nothing new is sent, the value that put it there stays.
        await UseAsync(asset, 5);
        Assert.Equal(0, (await EvaluateAsync()).Triggered);
        var still = await StateAsync(alert.Id, client);
        Assert.Equal(("in_alarm", 115m, 122.5m), (still.Status, still.Value, still.CurrentValue));
        var notification = Assert.Single(await NotificationsAsync(alert.Id));
        Assert.Equal((115m, 100m), (notification.Value, notification.Threshold));

        // December: a new period with no usage yet puts it back to ok, without a notification.
        _app.Clock.SetUtcNow(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
        var reset = await EvaluateAsync();
        var december = await StateAsync(alert.Id, client);
        Assert.Equal((0, 1), (reset.Triggered, reset.Cleared));
        Assert.Equal(("ok", 0m, "2026-12-01"), (december.Status, december.CurrentValue, december.PeriodStart));
        Assert.Single(await NotificationsAsync(alert.Id));
    }

    [Fact]
    public async Task InvoiceTotalIsCommittedPlusOverageAsABillingRunWouldBill()
    {
        var (client, asset) = await ClientWithBucketAsync("Invoicy");
        await UseAsync(asset, 80);
        var alert = await CreateAsync(new AlertInput("invoice_total_reached", "Invoice 110", 110, client));
        // Under commit the invoice is the committed 100.00.
        Assert.Equal(("ok", 100m), ((await StateAsync(alert.Id, client)).Status, (await StateAsync(alert.Id, client)).CurrentValue));

        await UseAsync(asset, 30);
        await EvaluateAsync();
        // 100.00 committed + 10 × 1.50 overage.
        var state = await StateAsync(alert.Id, client);
        Assert.Equal(("in_alarm", 115m), (state.Status, state.Value));
    }

    [Fact]
    public async Task LowRemainingCommitBalanceFallsToTheThresholdAndClientsWithoutCommitAreLeftOk()
    {
        var (client, asset) = await ClientWithBucketAsync("Balancy");
        var noCommit = (await ClientWithBucketAsync("No commit", commit: 0)).Client;
        await UseAsync(asset, 50);
        var alert = await CreateAsync(new AlertInput("low_remaining_commit_balance_reached", "Balance 30", 30, null));
        // 50 of 100 units unused × 1.00 = 50.00 left.
        Assert.Equal(("ok", 50m), ((await StateAsync(alert.Id, client)).Status, (await StateAsync(alert.Id, client)).CurrentValue));

        await UseAsync(asset, 25);
        await EvaluateAsync();
        var low = await StateAsync(alert.Id, client);
        Assert.Equal(("in_alarm", 25m), (low.Status, low.Value));
        var none = await StateAsync(alert.Id, noCommit);
        Assert.Equal(("ok", (decimal?)null), (none.Status, none.CurrentValue));
    }

    [Fact]
    public async Task UsageThresholdFollowsTheUnitTypesAggregationLeavesAndCrossesAgain()
    {
        var seats = await _data.UnitTypeAsync("seats", Aggregation.Last);
        var client = await _data.ClientAsync("Seaty");
        var asset = await _data.AssetAsync(_source, "m365-tenant", client);
        await _data.ReadingsAsync(asset, seats, (Utc(2026, 11, 5, 9), 50));

        // Evaluated on creation: already past 40 seats.
        var alert = await CreateAsync(new AlertInput("usage_threshold_reached", "40 seats", 40, client, UnitType: "SEATS"));
        Assert.Equal(("in_alarm", 50m), ((await StateAsync(alert.Id, client)).Status, (await StateAsync(alert.Id, client)).Value));

        // The latest reading is what counts for "last": down to 10, back to ok (silently, recorded).
        await _data.ReadingsAsync(asset, seats, (Utc(2026, 11, 20, 9), 10));
        var left = await EvaluateAsync();
        var ok = await StateAsync(alert.Id, client);
        Assert.Equal((1, "ok", 10m), (left.Cleared, ok.Status, ok.Value));

        await _data.ReadingsAsync(asset, seats, (Utc(2026, 11, 21, 9), 45));
        await EvaluateAsync();
        Assert.Equal(2, (await NotificationsAsync(alert.Id)).Count);
        Assert.Equal(new[] { 50m, 45m }, (await NotificationsAsync(alert.Id)).Select(n => n.Value));
    }

    [Theory]
    [InlineData("down", 25, "in_alarm")]
    [InlineData("either", 25, "in_alarm")]
    [InlineData("up", 25, "ok")]
    [InlineData("down", 31, "ok")]
    public async Task UsageChangeComparesTheLastCompleteDayWithTheOneBefore(string direction, int threshold, string expected)
    {
        var client = await _data.ClientAsync("Changy");
        var asset = await _data.AssetAsync(_source, "vm-changy", client);
        // 19 Nov: 100, 20 Nov: 70 (−30 %); today's partial 21 Nov is not compared.
        await _data.ReadingsAsync(asset, _hours, (Utc(2026, 11, 19, 9), 100), (Utc(2026, 11, 20, 9), 70), (Utc(2026, 11, 21, 9), 1));
        var alert = await CreateAsync(new AlertInput("usage_change_percent", "Day change", threshold, client, UnitType: "vcpu-hours",
            Window: "day", Direction: direction));
        var state = await StateAsync(alert.Id, client);
        Assert.Equal((expected, -30m), (state.Status, state.CurrentValue));
        Assert.Null(state.PeriodStart);
    }

    [Fact]
    public async Task UsageChangeOverAWeekWithNothingBeforeHasNoPercentage()
    {
        var client = await _data.ClientAsync("New client");
        var asset = await _data.AssetAsync(_source, "vm-new", client);
        await _data.ReadingsAsync(asset, _hours, (Utc(2026, 11, 18, 9), 500));
        var alert = await CreateAsync(new AlertInput("usage_change_percent", "Week change", 20, client, UnitType: "vcpu-hours", Window: "week"));
        var state = await StateAsync(alert.Id, client);
        Assert.Equal(("ok", (decimal?)null), (state.Status, state.CurrentValue));
    }

    [Fact]
    public async Task ProjectedOverageComesFromTheProjectionOfTheOpenPeriod()
    {
        var (client, asset) = await ClientWithBucketAsync("Projecty");
        await UseAsync(asset, 80);
        // 80 units in 20.5 of 30 days project to 117.073171: 17.073171 over × 1.50 = 25.61.
        var low = await CreateAsync(new AlertInput("projected_overage", "Any overage", 20, client, Severity: "hard"));
        var high = await CreateAsync(new AlertInput("projected_overage", "Big overage", 30, client));
        Assert.Equal(("in_alarm", 25.61m), ((await StateAsync(low.Id, client)).Status, (await StateAsync(low.Id, client)).Value));
        Assert.Equal(("ok", 25.61m), ((await StateAsync(high.Id, client)).Status, (await StateAsync(high.Id, client)).CurrentValue));
        Assert.Contains(client, await _app.Service<AlertStateService>(TestApp.Viewer).HardAlarmClientIdsAsync());
    }

    [Fact]
    public async Task AnAlertForAllClientsKeepsAStateForEachEnabledClient()
    {
        var (big, bigAsset) = await ClientWithBucketAsync("Big");
        var (small, smallAsset) = await ClientWithBucketAsync("Small");
        var disabled = await _data.ClientAsync("Gone", enabled: false);
        await UseAsync(bigAsset, 120);
        await UseAsync(smallAsset, 10);
        var alert = await CreateAsync(new AlertInput("spend_threshold_reached", "Everyone 100", 100, null));

        Assert.Equal("in_alarm", (await StateAsync(alert.Id, big)).Status);
        Assert.Equal(("ok", 10m), ((await StateAsync(alert.Id, small)).Status, (await StateAsync(alert.Id, small)).CurrentValue));
        var notification = Assert.Single(await NotificationsAsync(alert.Id));
        Assert.Equal(big, notification.ClientId);
        Assert.Equal(new[] { big }, (await _app.Service<AlertService>(TestApp.Viewer).GetAsync(alert.Id)).ClientsInAlarm.Select(c => c.ClientId));
        await using var db = _app.Db();
        Assert.False(await db.AlertClientStates.AnyAsync(s => s.ClientId == disabled));
    }

    [Fact]
    public async Task AnEvaluationThatChangesNothingOnlyMovesTheEvaluationTimeAndAValueThatMovesIsWritten()
    {
        var (client, asset) = await ClientWithBucketAsync("Steady");
        await UseAsync(asset, 40);
        var alert = await CreateAsync(new AlertInput("spend_threshold_reached", "Steady 100", 100, client));
        async Task<AlertClientState> RowAsync()
        {
            await using var db = _app.Db();
            return await db.AlertClientStates.AsNoTracking().SingleAsync(s => s.AlertId == alert.Id);
        }
        var created = await RowAsync();

        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        await EvaluateAsync();
        var same = await RowAsync();
        Assert.Equal((created.Status, created.Value, created.CurrentValue, created.ChangedAt), (same.Status, same.Value, same.CurrentValue, same.ChangedAt));
        Assert.Equal(_app.Clock.GetUtcNow().UtcDateTime, same.EvaluatedAt);

        await UseAsync(asset, 20);
        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        await EvaluateAsync();
        var moved = await RowAsync();
        Assert.Equal((AlertStatus.Ok, 60m, created.ChangedAt, _app.Clock.GetUtcNow().UtcDateTime),
            (moved.Status, moved.CurrentValue, moved.ChangedAt, moved.EvaluatedAt));
    }

    [Fact]
    public async Task AnArchivedAlertStopsEvaluatingAndNotifiesNothing()
    {
        var (client, asset) = await ClientWithBucketAsync("Archivy");
        var alert = await CreateAsync(new AlertInput("spend_threshold_reached", "Old limit", 100, client));
        var archived = await _app.Service<AlertService>(TestApp.Operator).ArchiveAsync(alert.Id);
        Assert.True(archived.Archived);

        await UseAsync(asset, 500);
        var outcome = await EvaluateAsync();

        Assert.Equal((0, 0), (outcome.Alerts, outcome.Triggered));
        Assert.Empty(await NotificationsAsync(alert.Id));
        Assert.Empty(await _app.Service<AlertStateService>(TestApp.Viewer).CustomerAlertsAsync(client));
        Assert.Empty((await _app.Service<AlertService>(TestApp.Viewer).ListAsync(new AlertFilter(), new PageRequest())).Items);
    }

    [Fact]
    public async Task ConcurrentAndRepeatedEvaluationsNotifyACrossingOnce()
    {
        var (client, asset) = await ClientWithBucketAsync("Racy");
        var alert = await CreateAsync(new AlertInput("spend_threshold_reached", "Race", 100, client));
        await UseAsync(asset, 200);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(EvaluateAsync)));
        // A new set of services over the same file, as after a restart.
        await using (var scope = _app.Scope(Actor.System("restart")))
            await scope.ServiceProvider.GetRequiredService<AlertEvaluator>().EvaluateAsync();

        Assert.Equal(1, outcomes.Sum(o => o.Triggered));
        Assert.Single(await NotificationsAsync(alert.Id));
    }
}
