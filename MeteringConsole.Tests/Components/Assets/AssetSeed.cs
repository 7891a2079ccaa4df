using MeteringConsole.Common;
using MeteringConsole.Features.Assets;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Clients;
using MeteringConsole.Features.UnitTypes;
using MeteringConsole.Features.Usage;

namespace MeteringConsole.Tests.Components.Assets;

/// <summary>Assets as ingest creates them, in a test database: the Assets page's data.</summary>
internal static class AssetSeed
{
    public const string UnitType = "vcpu-hours";

    public static async Task UnitTypeAsync(TestApp app)
        => await app.Service<UnitTypeService>(TestApp.Admin).CreateAsync(new UnitTypeInput(UnitType, "", "sum", false, 1, 2, null));

    /// <summary>One reading per asset id, a day before the pinned clock, so each shows in its 30-day chart.</summary>
    public static async Task IngestAsync(TestApp app, IEnumerable<string> externalIds, int? clientId = null, string source = "vmware", double value = 4)
    {
        var at = TestClock.Now.AddDays(-1);
        var events = externalIds.Select(id => new UsageEvent($"seed-{source}-{id}", at, source, id, UnitType, value, clientId)).ToList();
        await app.Service<IngestService>(TestApp.Admin).IngestAsync(events);
    }

    public static async Task<int> ClientAsync(TestApp app, string name)
        => (await app.Service<ClientService>(TestApp.Admin).CreateAsync(new ClientInput(name, true, null))).Id;

    public static async Task<int> BucketAsync(TestApp app, int clientId, string name)
        => (await app.Service<BucketService>(TestApp.Admin).CreateAsync(
            new BucketInput(clientId, name, "vmware", UnitType, "sum", 100, 1, 2, true, true, null))).Id;

    public static async Task<AssetRow> AssetAsync(TestApp app, string externalId)
        => (await app.Service<AssetService>(TestApp.Admin).ListAsync(new AssetFilter(AssetView.All, externalId), new PageRequest()))
            .Items.Concat((await app.Service<AssetService>(TestApp.Admin).ListAsync(new AssetFilter(AssetView.Disregarded, externalId), new PageRequest())).Items)
            .Single(a => a.ExternalId == externalId);
}
