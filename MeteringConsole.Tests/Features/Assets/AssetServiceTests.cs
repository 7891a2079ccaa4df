using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Assets;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Tests.Features.Assets;

public sealed class AssetServiceTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private int _acme, _globex, _vmware;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        await using var db = _app.Db();
        var acme = new Client { Name = "Acme", CreatedAt = TestClock.Now.UtcDateTime };
        var globex = new Client { Name = "Globex", CreatedAt = TestClock.Now.UtcDateTime };
        var vmware = new SourceType { Name = "vmware", CreatedAt = TestClock.Now.UtcDateTime };
        db.AddRange(acme, globex, vmware);
        await db.SaveChangesAsync();
        (_acme, _globex, _vmware) = (acme.Id, globex.Id, vmware.Id);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<int> AddAssetAsync(string externalId, int? clientId = null, bool acknowledged = false, bool disregarded = false)
    {
        await using var db = _app.Db();
        var asset = new Asset
        {
            SourceTypeId = _vmware, ExternalId = externalId, Name = externalId, ClientId = clientId,
            Acknowledged = acknowledged, Disregarded = disregarded, CreatedAt = TestClock.Now.UtcDateTime,
        };
        db.Assets.Add(asset);
        await db.SaveChangesAsync();
        return asset.Id;
    }

    private async Task<int> AddBucketAsync(int clientId, params int[] assetIds)
    {
        await using var db = _app.Db();
        var unit = await db.UnitTypes.FirstOrDefaultAsync() ?? db.UnitTypes.Add(new UnitType { Name = "vcpu-hours", CreatedAt = TestClock.Now.UtcDateTime }).Entity;
        var bucket = new BillingBucket { ClientId = clientId, Name = "Compute", SourceTypeId = _vmware, UnitType = unit, CreatedAt = TestClock.Now.UtcDateTime };
        bucket.Assets.AddRange(assetIds.Select(a => new BucketAsset { AssetId = a, BoundAt = TestClock.Now.UtcDateTime }));
        db.BillingBuckets.Add(bucket);
        await db.SaveChangesAsync();
        return bucket.Id;
    }

    [Fact]
    public async Task ViewsAnswerNewUnassignedUnboundAndDisregarded()
    {
        var fresh = await AddAssetAsync("vm-new");
        var unbound = await AddAssetAsync("vm-unbound", _acme, acknowledged: true);
        var bound = await AddAssetAsync("vm-bound", _acme, acknowledged: true);
        var hidden = await AddAssetAsync("vm-hidden", _acme, disregarded: true);
        await AddBucketAsync(_acme, bound);
        var assets = _app.Service<AssetService>(TestApp.Viewer);

        async Task<int[]> View(AssetView v) => (await assets.ListAsync(new AssetFilter(v), new PageRequest())).Items.Select(a => a.Id).OrderBy(i => i).ToArray();
        Assert.Equal(new[] { fresh, unbound, bound }, await View(AssetView.All));
        Assert.Equal(new[] { fresh }, await View(AssetView.New));
        Assert.Equal(new[] { fresh }, await View(AssetView.Unassigned));
        Assert.Equal(new[] { unbound }, await View(AssetView.Unbound));
        Assert.Equal(new[] { hidden }, await View(AssetView.Disregarded));
        Assert.Equal(new AssetCounts(3, 1, 1, 1, 1), await assets.CountsAsync());
    }

    [Fact]
    public async Task AssigningToAnotherClientDropsBindingsToTheOldClientsBuckets()
    {
        var asset = await AddAssetAsync("vm-1", _acme, acknowledged: true);
        await AddBucketAsync(_acme, asset);

        await _app.Service<AssetService>(TestApp.Operator).AssignAsync(new[] { asset }, _globex);

        await using var db = _app.Db();
        var stored = await db.Assets.Include(a => a.Bindings).SingleAsync(a => a.Id == asset);
        Assert.Equal(_globex, stored.ClientId);
        Assert.Empty(stored.Bindings);
        Assert.Contains(await db.AuditEntries.ToListAsync(), e => e.Table == "bucket_assets" && e.Action == "Delete");
    }

    [Fact]
    public async Task AssignAcknowledgesAndAssignToMissingClientChangesNothing()
    {
        var asset = await AddAssetAsync("vm-2");
        var assets = _app.Service<AssetService>(TestApp.Operator);

        var error = await Assert.ThrowsAsync<ValidationException>(() => assets.AssignAsync(new[] { asset }, 9999));
        Assert.Contains("client_id", error.Errors.Keys);
        await assets.AssignAsync(new[] { asset }, _acme);

        await using var db = _app.Db();
        var stored = await db.Assets.SingleAsync(a => a.Id == asset);
        Assert.Equal((_acme, true), (stored.ClientId!.Value, stored.Acknowledged));
    }

    [Fact]
    public async Task DisregardHidesAndRestoreBringsBackWithAudit()
    {
        var asset = await AddAssetAsync("vm-3", _acme, acknowledged: true);
        var assets = _app.Service<AssetService>(TestApp.Operator);

        await assets.SetDisregardedAsync(new[] { asset }, true);
        Assert.Empty((await assets.ListAsync(new AssetFilter(), new PageRequest())).Items);
        await assets.SetDisregardedAsync(new[] { asset }, false);
        Assert.Single((await assets.ListAsync(new AssetFilter(), new PageRequest())).Items);

        await using var db = _app.Db();
        var updates = await db.AuditEntries.Where(e => e.Table == "assets" && e.Action == "Update").OrderBy(e => e.Id).ToListAsync();
        Assert.Equal(new[] { "{\"disregarded\":true}", "{\"disregarded\":false}" }, updates.Select(u => u.NewValues));
    }

    [Fact]
    public async Task BulkAcknowledgeIsAllOrNothing()
    {
        var a = await AddAssetAsync("vm-4");
        var b = await AddAssetAsync("vm-5");
        var assets = _app.Service<AssetService>(TestApp.Operator);

        await Assert.ThrowsAsync<NotFoundException>(() => assets.AcknowledgeAsync(new[] { a, b, 424242 }));
        Assert.Equal(2, (await assets.CountsAsync()).New);
        Assert.Equal(2, await assets.AcknowledgeAsync(new[] { a, b }));
        Assert.Equal(0, (await assets.CountsAsync()).New);
    }

    [Fact]
    public async Task ViewerCannotChangeAssets()
    {
        var asset = await AddAssetAsync("vm-6");
        var assets = _app.Service<AssetService>(TestApp.Viewer);
        await Assert.ThrowsAsync<ForbiddenException>(() => assets.AcknowledgeAsync(new[] { asset }));
        await Assert.ThrowsAsync<ForbiddenException>(() => assets.SetDisregardedAsync(new[] { asset }, true));
        Assert.Equal(1, (await assets.CountsAsync()).New);
    }

    [Fact]
    public async Task SearchMatchesExternalIdNameOrClientAndSortsOnTheServer()
    {
        await AddAssetAsync("vm-alpha", _acme);
        await AddAssetAsync("vm-beta", _globex);
        await AddAssetAsync("db-gamma");
        var assets = _app.Service<AssetService>(TestApp.Viewer);

        var byClient = await assets.ListAsync(new AssetFilter(Search: "glob"), new PageRequest());
        Assert.Equal("vm-beta", Assert.Single(byClient.Items).ExternalId);
        var sorted = await assets.ListAsync(new AssetFilter(), new PageRequest(OrderBy: "ExternalId desc"));
        Assert.Equal(new[] { "vm-beta", "vm-alpha", "db-gamma" }, sorted.Items.Select(i => i.ExternalId));
    }
}
