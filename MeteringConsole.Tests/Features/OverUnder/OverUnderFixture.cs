using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Features.Billing;

namespace MeteringConsole.Tests.Features.OverUnder;

/// <summary>
/// Writes billing readings as a billing run would have stored them (money by BillingMath), so the
/// Over/Under definitions can be checked on hand-computed cases without the run's own rules in the way.
/// </summary>
internal sealed class OverUnderFixture
{
    private readonly BillingFixture _registry;
    private readonly Func<AppDbContext> _db;
    private readonly BillingSettings _settings;
    private readonly Dictionary<string, int> _unitTypes = new();
    private readonly Dictionary<string, int> _clients = new();
    private int _source;

    public OverUnderFixture(BillingFixture registry, Func<AppDbContext> db, BillingSettings settings)
    {
        _registry = registry;
        _db = db;
        _settings = settings;
    }

    public int ClientId(string name) => _clients[name];

    /// <summary>A bucket of the client (created on first use) and its reading for the period.</summary>
    public async Task<int> LineAsync(string period, string client, string unitType, decimal usage, decimal commit, decimal baseRate,
        decimal overageRate, bool finalized = false)
    {
        if (_source == 0) _source = await _registry.SourceAsync("vmware");
        if (!_unitTypes.TryGetValue(unitType, out var unit)) _unitTypes[unitType] = unit = await _registry.UnitTypeAsync(unitType);
        if (!_clients.TryGetValue(client, out var clientId)) _clients[client] = clientId = await _registry.ClientAsync(client);
        var bucket = await _registry.BucketAsync(clientId, _source, unit, Aggregation.Sum, commit, baseRate, overageRate, Array.Empty<int>(),
            name: $"{client} {unitType}");
        var p = _settings.ParsePeriod(period);
        var line = BillingMath.Line(usage, commit, baseRate, overageRate);
        await using var db = _db();
        var run = new BillingRun
        {
            PeriodStart = p.StartUtc, PeriodEnd = p.EndUtc, Status = RunStatus.Succeeded, StartedBy = "test", QueuedAt = p.EndUtc,
            FinishedAt = p.EndUtc, BucketCount = 1,
        };
        db.BillingRuns.Add(run);
        await db.SaveChangesAsync();
        db.BillingReadings.Add(new BillingReading
        {
            BillingRunId = run.Id, BucketId = bucket, ClientId = clientId, PeriodStart = p.StartUtc, PeriodEnd = p.EndUtc,
            BucketName = $"{client} {unitType}", SourceType = "vmware", UnitType = unitType, Aggregation = Aggregation.Sum, StartsOn = p.Start,
            TotalUsage = line.TotalUsage, Commit = line.Commit, BaseRate = line.BaseRate, OverageRate = line.OverageRate,
            CommittedCost = line.CommittedCost, OverageUnits = line.OverageUnits, OverageCost = line.OverageCost, BufferUnits = line.BufferUnits,
            BufferCost = line.BufferCost, FinalCost = line.FinalCost, Finalized = finalized, CreatedAt = p.EndUtc,
        });
        await db.SaveChangesAsync();
        return bucket;
    }

    /// <summary>
    /// The worked example every definition is checked on (October 2026):
    /// Acme: vcpu 130 of 100 at 2 / 3 (overage 30 u = 90), ram-gb 20 of 50 at 1 / 1.5 (buffer 30 u = 30) → Mixed;
    /// Beta: vcpu 10 of 10 at 5 → At commit; Cobalt: ram-gb 70 of 200 at 0.5 / 1 (buffer 130 u = 65) → Under;
    /// Delta: vcpu 5 of 0 at 0 / 4 (overage 20) → Over, nothing committed.
    /// </summary>
    public async Task WorkedExampleAsync(string period = "2026-10-01")
    {
        await LineAsync(period, "Acme", "vcpu", 130, 100, 2, 3);
        await LineAsync(period, "Acme", "ram-gb", 20, 50, 1, 1.5m);
        await LineAsync(period, "Beta", "vcpu", 10, 10, 5, 5);
        await LineAsync(period, "Cobalt", "ram-gb", 70, 200, 0.5m, 1);
        await LineAsync(period, "Delta", "vcpu", 5, 0, 0, 4);
    }
}
