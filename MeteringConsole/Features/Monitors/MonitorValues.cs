using System.Globalization;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Monitor = MeteringConsole.Domain.Monitor;

namespace MeteringConsole.Features.Monitors;

public enum MonitorMode { Net, Increment }

/// <summary>
/// One day of a monitor. Numbers and money are in <c>value</c>; a date item gives its date both
/// as <c>text</c> (YYYY-MM-DD) and as the number yyyymmdd in <c>value</c> (in increment mode: the
/// days it moved); cycle_unit gives only <c>text</c>.
/// </summary>
public sealed record MonitorValue(string Date, decimal? Value, string? Text = null);

public sealed record MonitorSeries(int MonitorId, int ClientId, string Mode, IReadOnlyList<MonitorValue> Values);

/// <summary>
/// A monitor's daily series for a client. Each day is computed as of its end from the daily rollups
/// of the period up to that day, priced with <see cref="BillingMath"/> over <see cref="UsageAggregator"/>;
/// a period that was billed takes its buckets and terms from its billing readings (the latest run's),
/// and its last day is what the run billed, so later bucket edits never rewrite past values.
/// </summary>
public sealed class MonitorValues
{
    public const int MaxDays = 400;

    private readonly IDbContextFactory<AppDbContext> _dbs;
    private readonly DatabaseOptions _database;
    private readonly BillingSettings _settings;
    private readonly CurrentActor _actor;
    private readonly TimeProvider _clock;

    public MonitorValues(IDbContextFactory<AppDbContext> dbs, DatabaseOptions database, BillingSettings settings, CurrentActor actor, TimeProvider clock)
    {
        _dbs = dbs;
        _database = database;
        _settings = settings;
        _actor = actor;
        _clock = clock;
    }

    /// <param name="from">First day; by default 29 days before <paramref name="to"/>.</param>
    /// <param name="to">Last day, inclusive; by default today in the billing time zone.</param>
    public async Task<MonitorSeries> ValuesAsync(int monitorId, int? clientId, DateOnly? from, DateOnly? to, string? mode, CancellationToken ct = default)
    {
        var actor = await _actor.RequireAsync(Permission.Read);
        Monitor monitor;
        await using (var db = await _dbs.CreateDbContextAsync(ct))
        {
            monitor = await MonitorService.FindVisibleAsync(db, monitorId, actor);
            var v = new Validator();
            var client = clientId ?? monitor.Bucket?.ClientId;
            v.Check(client is not null, "client_id", "Give the client (client_id) whose values to show.");
            if (client is int c)
            {
                if (!actor.MaySee(c)) throw new ForbiddenException("This API key is scoped to another client.");
                v.Check(await db.Clients.AnyAsync(x => x.Id == c, ct), "client_id", $"Client {c} does not exist.");
                v.Check(monitor.Bucket is null || monitor.Bucket.ClientId == c, "client_id",
                    $"This monitor watches bucket {monitor.BucketId} of client {monitor.Bucket?.ClientId}, not client {c}.");
            }
            v.ThrowIfInvalid();
            clientId = client;
        }
        var parsedMode = ParseMode(mode);
        var last = to ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(_clock.GetUtcNow().UtcDateTime, _settings.TimeZone));
        var first = from ?? last.AddDays(-29);
        if (first > last) throw new ValidationException("from", "from must not be after to.");
        if (last.DayNumber - first.DayNumber + 1 > MaxDays) throw new ValidationException("to", $"Ask for at most {MaxDays} days at a time.");
        if (first <= ValueLimits.EarliestDate || last >= ValueLimits.LatestDate)
            throw new ValidationException("from", $"Dates must lie between {ValueLimits.EarliestDate:yyyy-MM-dd} and {ValueLimits.LatestDate:yyyy-MM-dd}.");

        await using var connection = await _database.OpenAsync(ct);
        var reader = new DayReader(connection, _settings, monitor, clientId!.Value);
        // Increment needs the day before the first.
        var start = parsedMode == MonitorMode.Increment ? first.AddDays(-1) : first;
        var net = new List<(DateOnly Day, decimal? Value, string? Text)>();
        for (var day = start; day <= last; day = day.AddDays(1)) net.Add(await reader.NetAsync(day, ct));

        var values = new List<MonitorValue>();
        for (var i = start == first ? 0 : 1; i < net.Count; i++)
        {
            var (day, value, text) = net[i];
            var name = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (parsedMode == MonitorMode.Net) values.Add(new MonitorValue(name, value, text));
            else if (IsDate(monitor)) values.Add(new MonitorValue(name, DaysMoved(net[i - 1].Text, text)));
            else values.Add(new MonitorValue(name, value is decimal now && net[i - 1].Value is decimal before ? now - before : null,
                value is null ? text : null));
        }
        return new MonitorSeries(monitor.Id, clientId.Value, parsedMode == MonitorMode.Net ? "net" : "increment", values);
    }

    private static MonitorMode ParseMode(string? mode) => mode?.Trim().ToLowerInvariant() switch
    {
        null or "" or "net" => MonitorMode.Net,
        "increment" => MonitorMode.Increment,
        _ => throw new ValidationException("mode", $"Unknown mode '{mode}': use net or increment."),
    };

    private static bool IsDate(Monitor m) => m.Source == MonitorSource.Contract && MonitorCatalog.Item(m.Item)?.Kind == MonitorItemKind.Date;

    private static decimal? DaysMoved(string? before, string? now)
        => before is null || now is null ? null
            : DateOnly.ParseExact(now, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber
              - DateOnly.ParseExact(before, "yyyy-MM-dd", CultureInfo.InvariantCulture).DayNumber;

    /// <summary>Reads one day's net value; billing readings are loaded once per period.</summary>
    private sealed class DayReader
    {
        private readonly DbConnection _connection;
        private readonly BillingSettings _settings;
        private readonly Monitor _monitor;
        private readonly int _clientId;
        private readonly Dictionary<long, Dictionary<int, BillingReadingTerms>> _billed = new();

        public DayReader(DbConnection connection, BillingSettings settings, Monitor monitor, int clientId)
        {
            _connection = connection;
            _settings = settings;
            _monitor = monitor;
            _clientId = clientId;
        }

        public async Task<(DateOnly, decimal?, string?)> NetAsync(DateOnly day, CancellationToken ct)
        {
            var period = _settings.PeriodContaining(_settings.StartOfDayUtc(day));
            var dayAfter = BillingSettings.ToDay(day.AddDays(1));
            if (_monitor.Source == MonitorSource.UsageAggregate) return (day, await UsageAsync(period.FirstDay, dayAfter, ct), null);
            var item = MonitorCatalog.Item(_monitor.Item)!;
            switch (item.Name)
            {
                case "start_date": return Date(day, period.Start);
                case "end_date": return Date(day, period.LastDay);
                case "cycle_start_date": return Date(day, _settings.CycleAnchor);
                case "cycle_length": return (day, _settings.CycleLength, null);
                case "cycle_unit": return (day, null, _settings.CycleUnit.ToString().ToLowerInvariant());
                case "billed_days": return (day, day.DayNumber - period.Start.DayNumber + 1, null);
            }
            var lines = await LinesAsync(period, day, dayAfter, ct);
            return item.Name switch
            {
                "contract_start_date" => lines.Count == 0 ? (day, null, null) : Date(day, lines.Min(l => l.StartsOn)),
                "commit" => (day, lines.Sum(l => l.Line.Commit), null),
                "amount" => (day, lines.Sum(l => l.Line.CommittedCost), null),
                _ => (day, lines.Sum(l => l.Billed), null), // billed_amount, invoice_total
            };
        }

        private static (DateOnly, decimal?, string?) Date(DateOnly day, DateOnly value)
            => (day, BillingSettings.ToDay(value), value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        private sealed record PricedBucket(DateOnly StartsOn, BillingLine Line, decimal Billed);

        /// <summary>The period's buckets as of the end of the day: usage to date, priced; a billed period under the terms it was billed as.</summary>
        private async Task<List<PricedBucket>> LinesAsync(Period period, DateOnly day, int dayAfter, CancellationToken ct)
        {
            var billed = await BilledAsync(period, ct);
            var usage = await UsageAggregator.AggregateAsync(_connection, null, period.FirstDay, dayAfter, enabledOnly: billed.Count == 0, _clientId, ct);
            var result = new List<PricedBucket>();
            foreach (var bucket in usage.Where(b => _monitor.BucketId is null || b.BucketId == _monitor.BucketId))
            {
                if (billed.Count > 0)
                {
                    if (!billed.TryGetValue(bucket.BucketId, out var terms)) continue;
                    var line = BillingMath.Line(bucket.Usage, terms.Commit, terms.BaseRate, terms.OverageRate);
                    result.Add(new PricedBucket(terms.StartsOn, line, day == period.LastDay ? terms.FinalCost : line.FinalCost));
                }
                else
                {
                    var line = BillingMath.Line(bucket.Usage, bucket.Commit, bucket.BaseRate, bucket.OverageRate);
                    result.Add(new PricedBucket(bucket.StartsOn, line, line.FinalCost));
                }
            }
            return result;
        }

        private sealed record BillingReadingTerms(decimal Commit, decimal BaseRate, decimal OverageRate, decimal FinalCost, DateOnly StartsOn);

        /// <summary>The client's latest billing reading per bucket for the period, empty when it was never billed.</summary>
        private async Task<Dictionary<int, BillingReadingTerms>> BilledAsync(Period period, CancellationToken ct)
        {
            if (_billed.TryGetValue(period.Index, out var cached)) return cached;
            var result = new Dictionary<int, BillingReadingTerms>();
            await using var cmd = _connection.Command("");
            cmd.CommandText = """
                SELECT r.bucket_id, r."commit", r.base_rate, r.overage_rate, r.final_cost, r.starts_on
                FROM billing_readings r
                WHERE r.client_id = @client AND r.period_start = @start
                ORDER BY r.id
                """;
            cmd.Bind("@client", _clientId);
            cmd.Bind("@start", SqlValues.Instant(period.StartUtc));
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                result[reader.GetInt32(0)] = new BillingReadingTerms(SqlValues.FromMicros(reader.GetInt64(1)), SqlValues.FromMicros(reader.GetInt64(2)),
                    SqlValues.FromMicros(reader.GetInt64(3)), SqlValues.FromMicros(reader.GetInt64(4)),
                    reader.GetFieldValue<DateOnly>(5));
            _billed[period.Index] = result;
            return result;
        }

        /// <summary>The unit type's usage over local days [from, to) of the client's assets (or the bucket's bound ones), folded per asset.</summary>
        private async Task<decimal> UsageAsync(int fromDay, int toDay, CancellationToken ct)
        {
            await using var cmd = _connection.Command("");
            cmd.CommandText = UsageAggregator.Booleans(_connection, $"""
                SELECT r.asset_id, r."sum", r."count", r."max", r.last_timestamp_ms, r.last_value
                FROM usage_daily_rollups r JOIN assets a ON a.id = r.asset_id AND a.disregarded = /*false*/ AND a.client_id = @client
                WHERE r.unit_type_id = @unit AND r.day >= @from AND r.day < @to
                {(_monitor.BucketId is null ? "" : "AND r.asset_id IN (SELECT asset_id FROM bucket_assets WHERE bucket_id = @bucket)")}
                ORDER BY r.asset_id
                """);
            cmd.Bind("@client", _clientId);
            cmd.Bind("@unit", _monitor.UnitTypeId);
            cmd.Bind("@from", fromDay);
            cmd.Bind("@to", toDay);
            if (_monitor.BucketId is int bucket) cmd.Bind("@bucket", bucket);
            var aggregation = _monitor.Aggregation ?? Aggregation.Sum;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var asset = new UsageAggregator.AssetAccumulator();
            decimal total = 0;
            var assetId = -1;
            while (reader.Read())
            {
                var a = reader.GetInt32(0);
                if (a != assetId)
                {
                    if (assetId >= 0) total += asset.Result(aggregation);
                    assetId = a;
                    asset.Reset();
                }
                asset.Add(reader.GetDouble(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetInt64(4), reader.GetDouble(5));
            }
            if (assetId >= 0) total += asset.Result(aggregation);
            return BillingMath.Units(total);
        }
    }
}
