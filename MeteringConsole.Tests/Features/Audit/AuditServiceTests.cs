using MeteringConsole.Common;
using MeteringConsole.Features.Audit;
using MeteringConsole.Features.Clients;
using MeteringConsole.Features.Suppressions;
using MeteringConsole.Features.UnitTypes;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Features.Audit;

public sealed class AuditServiceTests : IAsyncLifetime
{
    private static readonly Actor AdminKey = new(ActorKind.ApiKey, "provisioner", Roles.Admin, ApiKeyId: 7);

    private TestApp _app = null!;
    private DateTime _before;

    /// <summary>Six entries: client insert + update + delete (admin user), unit type insert (operator), suppression insert (API key).</summary>
    public async Task InitializeAsync()
    {
        _app = await TestApp.CreateAsync();
        _before = TestClock.Now.UtcDateTime;
        var clients = _app.Service<ClientService>(TestApp.Admin);
        var client = await clients.CreateAsync(new ClientInput("Acme", true, null));
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await clients.UpdateAsync(client.Id, new ClientInput("Acme Ltd", true, null));
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await clients.DeleteAsync(client.Id);
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await _app.Service<UnitTypeService>(TestApp.Operator).CreateAsync(new UnitTypeInput("seats", null, "max", false, 1, 2, null));
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
        await _app.Service<SuppressionService>(AdminKey).CreateAsync(new SuppressionInput("vm-1", "exact", null));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private Task<Page<AuditRow>> ListAsync(AuditFilter filter, PageRequest? page = null)
        => _app.Service<AuditService>(TestApp.Admin).ListAsync(filter, page ?? new PageRequest());

    [Fact]
    public async Task OnlyAdminsMayReadTheLog()
    {
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<AuditService>(TestApp.Operator).ListAsync(new AuditFilter(), new PageRequest()));
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<AuditService>(TestApp.Viewer).TablesAsync());
        var readOnlyKey = new Actor(ActorKind.ApiKey, "reader", Roles.ReadOnly, ApiKeyId: 3);
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<AuditService>(readOnlyKey).ListAsync(new AuditFilter(), new PageRequest()));
    }

    [Fact]
    public async Task NewestComesFirstWithActorAndApiKey()
    {
        var page = await ListAsync(new AuditFilter(), new PageRequest(Take: 2));
        Assert.Equal(5, page.Total);
        var newest = page.Items[0];
        Assert.Equal(("Insert", "ingest_suppressions", "apikey:provisioner (7)", (int?)7), (newest.Action, newest.Table, newest.Actor, newest.ApiKeyId));
        Assert.Equal(("Insert", "unit_types", "user:operator@test", (int?)null), (page.Items[1].Action, page.Items[1].Table, page.Items[1].Actor, page.Items[1].ApiKeyId));
    }

    [Fact]
    public async Task SortsOnTheServerAndPages()
    {
        var oldest = await ListAsync(new AuditFilter(), new PageRequest(Take: 3, OrderBy: "CreatedAt"));
        Assert.Equal(new[] { "Insert", "Update", "Delete" }, oldest.Items.Select(a => a.Action));

        var byTable = await ListAsync(new AuditFilter(), new PageRequest(Skip: 3, Take: 5, OrderBy: "Table"));
        Assert.Equal(new[] { "ingest_suppressions", "unit_types" }, byTable.Items.Select(a => a.Table));
    }

    [Fact]
    public async Task FiltersByTableActionAndActor()
    {
        var clientRows = await ListAsync(new AuditFilter(Table: "clients"));
        Assert.Equal(3, clientRows.Total);

        var update = Assert.Single((await ListAsync(new AuditFilter(Table: "clients", Action: "update"))).Items);
        Assert.Equal("{\"name\":\"Acme\"}", update.OldValues);
        Assert.Equal("{\"name\":\"Acme Ltd\"}", update.NewValues);

        Assert.Equal(3, (await ListAsync(new AuditFilter(Actor: "ADMIN@"))).Total);
        Assert.Equal("unit_types", Assert.Single((await ListAsync(new AuditFilter(Actor: "operator"))).Items).Table);
        // LIKE wildcards typed by the user are taken literally.
        Assert.Equal(0, (await ListAsync(new AuditFilter(Actor: "%"))).Total);
        Assert.Equal(0, (await ListAsync(new AuditFilter(Actor: "user_"))).Total);
    }

    [Fact]
    public async Task FiltersByDateRangeInclusive()
    {
        var after = _app.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(5, (await ListAsync(new AuditFilter(From: _before, To: after))).Total);
        Assert.Equal(0, (await ListAsync(new AuditFilter(From: after.AddSeconds(1)))).Total);
        Assert.Equal(0, (await ListAsync(new AuditFilter(To: _before.AddSeconds(-1)))).Total);

        var newest = (await ListAsync(new AuditFilter(), new PageRequest(Take: 1))).Items[0];
        Assert.Equal(newest.Id, Assert.Single((await ListAsync(new AuditFilter(From: newest.CreatedAt))).Items).Id);
    }

    [Fact]
    public async Task BadFiltersAreFieldErrors()
    {
        var action = await Assert.ThrowsAsync<ValidationException>(() => ListAsync(new AuditFilter(Action: "Upsert")));
        Assert.Equal(new[] { "action" }, action.Errors.Keys);
        var range = await Assert.ThrowsAsync<ValidationException>(() => ListAsync(new AuditFilter(From: _before, To: _before.AddDays(-1))));
        Assert.Equal(new[] { "to" }, range.Errors.Keys);
    }

    [Fact]
    public async Task TablesAreTheDistinctAuditedTablesInOrder()
        => Assert.Equal(new[] { "clients", "ingest_suppressions", "unit_types" }, await _app.Service<AuditService>(TestApp.Admin).TablesAsync());

    [Fact]
    public void TheServiceOffersNoWayToChangeOrDeleteEntries()
    {
        var methods = typeof(AuditService).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly);
        Assert.Equal(new[] { "ListAsync", "TablesAsync" }, methods.Select(m => m.Name).OrderBy(n => n));
    }
}
