using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Projections;
using System.Data.Common;
using MeteringConsole.Data;

namespace MeteringConsole.Features.Alerts;

/// <summary>What one alert says about one client right now: the value, and whether it is past the threshold.</summary>
public readonly record struct AlertReading(decimal? Value, bool InAlarm);

/// <summary>
/// The figures alerts compare, for every client at one instant, read once per evaluation from the
/// daily rollups. Money is worked out as billing and projections work it (UsageAggregator,
/// BillingMath, ProjectionCalculator over enabled buckets), per bucket line rounded to cents.
/// </summary>
public sealed class AlertMetrics
{
    private sealed record ClientMoney(decimal Spend, decimal Invoice, decimal Commit, decimal Balance, decimal ProjectedOverage, bool ProjectedOver);

    private readonly Dictionary<int, ClientMoney> _money = new();
    private readonly Dictionary<int, Dictionary<int, decimal>> _periodUsage = new();
    private readonly Dictionary<(int UnitType, AlertWindow Window), (Dictionary<int, decimal> Current, Dictionary<int, decimal> Previous)> _windows = new();

    public Period Period { get; }

    private AlertMetrics(Period period) => Period = period;

    public static async Task<AlertMetrics> LoadAsync(DbConnection connection, BillingSettings settings, DateTime nowUtc,
        IReadOnlyCollection<Alert> alerts, CancellationToken ct)
    {
        var metrics = new AlertMetrics(settings.PeriodContaining(nowUtc));
        if (alerts.Any(a => a.Type is AlertType.SpendThresholdReached or AlertType.InvoiceTotalReached
                or AlertType.LowRemainingCommitBalanceReached or AlertType.ProjectedOverage))
            await metrics.LoadMoneyAsync(connection, settings, nowUtc, ct);

        var units = await UnitAggregationsAsync(connection, ct);
        foreach (var unitTypeId in alerts.Where(a => a.Type == AlertType.UsageThresholdReached && a.UnitTypeId is not null)
                     .Select(a => a.UnitTypeId!.Value).Distinct())
            metrics._periodUsage[unitTypeId] = await ClientUsageAsync(connection, unitTypeId, units[unitTypeId],
                metrics.Period.FirstDay, metrics.Period.EndDay, ct);

        // Complete local days only: today is still filling up and would always look like a drop.
        var today = BillingSettings.ToDate(settings.DayOf(nowUtc));
        foreach (var (unitTypeId, window) in alerts.Where(a => a.Type == AlertType.UsageChangePercent && a.UnitTypeId is not null)
                     .Select(a => (a.UnitTypeId!.Value, a.Window ?? AlertWindow.Day)).Distinct())
        {
            var days = window == AlertWindow.Week ? 7 : 1;
            int Day(int back) => BillingSettings.ToDay(today.AddDays(-back));
            metrics._windows[(unitTypeId, window)] = (
                await ClientUsageAsync(connection, unitTypeId, units[unitTypeId], Day(days), Day(0), ct),
                await ClientUsageAsync(connection, unitTypeId, units[unitTypeId], Day(2 * days), Day(days), ct));
        }
        return metrics;
    }

    public AlertReading Read(Alert alert, int clientId)
    {
        var money = _money.GetValueOrDefault(clientId);
        var t = alert.Threshold;
        switch (alert.Type)
        {
            case AlertType.SpendThresholdReached:
                return Reach(money?.Spend ?? 0, t);
            case AlertType.InvoiceTotalReached:
                return Reach(money?.Invoice ?? 0, t);
            case AlertType.LowRemainingCommitBalanceReached:
                // A client without commit has no balance to run low on.
                return money is { Commit: > 0 } ? new AlertReading(money.Balance, money.Balance <= t) : new AlertReading(null, false);
            case AlertType.UsageThresholdReached:
                return Reach(_periodUsage.GetValueOrDefault(alert.UnitTypeId ?? 0)?.GetValueOrDefault(clientId) ?? 0, t);
            case AlertType.UsageChangePercent:
                if (!_windows.TryGetValue((alert.UnitTypeId ?? 0, alert.Window ?? AlertWindow.Day), out var w)) return new AlertReading(null, false);
                var before = w.Previous.GetValueOrDefault(clientId);
                // No usage before: a change from nothing has no percentage.
                if (before == 0) return new AlertReading(null, false);
                var change = decimal.Round((w.Current.GetValueOrDefault(clientId) - before) / before * 100, 2, MidpointRounding.AwayFromZero);
                return new AlertReading(change, (alert.Direction ?? ChangeDirection.Either) switch
                {
                    ChangeDirection.Up => change >= t,
                    ChangeDirection.Down => -change >= t,
                    _ => Math.Abs(change) >= t,
                });
            case AlertType.ProjectedOverage:
                return new AlertReading(money?.ProjectedOverage ?? 0, money is { ProjectedOver: true } && money.ProjectedOverage >= t);
            default:
                return new AlertReading(null, false);
        }
    }

    private static AlertReading Reach(decimal value, decimal threshold) => new(value, value >= threshold);

    private async Task LoadMoneyAsync(DbConnection connection, BillingSettings settings, DateTime nowUtc, CancellationToken ct)
    {
        // One aggregation of the open period feeds both the figures so far and the projection.
        foreach (var client in (await ProjectionCalculator.ComputeAsync(connection, settings, nowUtc, enabledOnly: true, ct: ct))
                     .GroupBy(p => p.Bucket.ClientId))
        {
            decimal spend = 0, invoice = 0, commit = 0, balance = 0, projected = 0;
            var over = false;
            foreach (var p in client)
            {
                var b = p.Bucket;
                var line = BillingMath.Line(b.Usage, b.Commit, b.BaseRate, b.OverageRate);
                spend += BillingMath.Cents(Math.Min(line.TotalUsage, b.Commit) * b.BaseRate) + line.OverageCost;
                invoice += line.FinalCost;
                commit += b.Commit;
                balance += line.BufferCost;
                if (p.OverCommit)
                {
                    over = true;
                    projected += p.ProjectedLine.OverageCost;
                }
            }
            _money[client.Key] = new ClientMoney(spend, invoice, commit, balance, projected, over);
        }
    }

    private static async Task<Dictionary<int, Aggregation>> UnitAggregationsAsync(DbConnection connection, CancellationToken ct)
    {
        var result = new Dictionary<int, Aggregation>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT id, aggregation FROM unit_types";
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) result[reader.GetInt32(0)] = Enum.Parse<Aggregation>(reader.GetString(1));
        return result;
    }

    /// <summary>
    /// Each client's usage of a unit type over local days [from, to): every non-disregarded asset's
    /// rollups folded by the unit type's aggregation (as billing folds a bucket's), summed over assets.
    /// </summary>
    private static async Task<Dictionary<int, decimal>> ClientUsageAsync(DbConnection connection, int unitTypeId, Aggregation aggregation,
        int fromDay, int toDay, CancellationToken ct)
    {
        var usage = new Dictionary<int, decimal>();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = UsageAggregator.Booleans(connection, """
            SELECT a.client_id, r.asset_id, r."sum", r."count", r."max", r.last_timestamp_ms, r.last_value
            FROM usage_daily_rollups r JOIN assets a ON a.id = r.asset_id AND a.disregarded = /*false*/ AND a.client_id IS NOT NULL
            WHERE r.unit_type_id = @unit AND r.day >= @from AND r.day < @to
            ORDER BY a.client_id, r.asset_id
            """);
        cmd.Bind("@unit", unitTypeId);
        cmd.Bind("@from", fromDay);
        cmd.Bind("@to", toDay);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var asset = new UsageAggregator.AssetAccumulator();
        int client = -1, assetId = -1;
        while (reader.Read())
        {
            int c = reader.GetInt32(0), a = reader.GetInt32(1);
            if (c != client || a != assetId)
            {
                if (client >= 0) usage[client] = usage.GetValueOrDefault(client) + asset.Result(aggregation);
                (client, assetId) = (c, a);
                asset.Reset();
            }
            asset.Add(reader.GetDouble(2), reader.GetInt64(3), reader.GetDouble(4), reader.GetInt64(5), reader.GetDouble(6));
        }
        if (client >= 0) usage[client] = usage.GetValueOrDefault(client) + asset.Result(aggregation);
        return usage.ToDictionary(u => u.Key, u => BillingMath.Units(u.Value));
    }
}
