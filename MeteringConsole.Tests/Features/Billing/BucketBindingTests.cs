using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.Assets;
using MeteringConsole.Features.Billing;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>The Assets page's Bind action: one asset onto one of its client's buckets.</summary>
public sealed class BucketBindingTests : IAsyncLifetime
{
    private TestApp _app = null!;
    private BillingFixture _data = null!;

    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _data = BillingFixture.For(_app);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task BindingAnUnboundAssetTakesItOutOfTheUnboundViewAndKeepsTheOthers()
    {
        var client = await _data.ClientAsync("Acme");
        var vmware = await _data.SourceAsync("vmware");
        var hours = await _data.UnitTypeAsync("vcpu-hours");
        var bound = await _data.AssetAsync(vmware, "vm-1", client);
        var loose = await _data.AssetAsync(vmware, "vm-2", client);
        var bucket = await _data.BucketAsync(client, vmware, hours, Aggregation.Sum, 10, 1, 2, new[] { bound });
        var assets = _app.Service<AssetService>(TestApp.Operator);
        Assert.Equal(new[] { loose }, (await assets.ListAsync(new AssetFilter(AssetView.Unbound), new PageRequest())).Items.Select(a => a.Id));

        var row = await _app.Service<BucketService>(TestApp.Operator).BindAssetsAsync(bucket, new[] { loose });

        Assert.Equal(new[] { "vm-1", "vm-2" }, row.AssetIds.OrderBy(x => x));
        Assert.Empty((await assets.ListAsync(new AssetFilter(AssetView.Unbound), new PageRequest())).Items);
    }

    [Fact]
    public async Task AnotherClientsAssetCannotBeBoundAndViewersCannotBind()
    {
        var acme = await _data.ClientAsync("Acme");
        var globex = await _data.ClientAsync("Globex");
        var vmware = await _data.SourceAsync("vmware");
        var hours = await _data.UnitTypeAsync("vcpu-hours");
        var theirs = await _data.AssetAsync(vmware, "vm-globex", globex);
        var mine = await _data.AssetAsync(vmware, "vm-acme", acme);
        var bucket = await _data.BucketAsync(acme, vmware, hours, Aggregation.Sum, 10, 1, 2, Array.Empty<int>());

        await Assert.ThrowsAsync<ValidationException>(() => _app.Service<BucketService>(TestApp.Admin).BindAssetsAsync(bucket, new[] { theirs }));
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<BucketService>(TestApp.Viewer).BindAssetsAsync(bucket, new[] { mine }));
        Assert.Empty((await _app.Service<BucketService>(TestApp.Viewer).GetAsync(bucket)).AssetIds);
    }
}
