using MeteringConsole.Common;
using MeteringConsole.Features.Clients;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Tests.Features.Clients;

public sealed class ClientServiceTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.CreateAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task CreatedClientIsListedAndAudited()
    {
        var clients = _app.Service<ClientService>(TestApp.Operator);
        var created = await clients.CreateAsync(new ClientInput("  Acme Corp ", true, new[] { "ops@acme.test" }));

        var page = await clients.ListAsync(new ClientFilter(), new PageRequest());
        var row = Assert.Single(page.Items);
        Assert.Equal("Acme Corp", row.Name);
        Assert.Equal(new[] { "ops@acme.test" }, row.AlertEmails);

        await using var db = _app.Db();
        var audit = await db.AuditEntries.SingleAsync();
        Assert.Equal(("Insert", "clients", created.Id.ToString(), "user:operator@test"), (audit.Action, audit.Table, audit.RecordId, audit.Actor));
        Assert.Contains("\"name\":\"Acme Corp\"", audit.NewValues);
        Assert.Null(audit.OldValues);
    }

    [Fact]
    public async Task UpdateRecordsOnlyChangedValuesOldAndNew()
    {
        var clients = _app.Service<ClientService>(TestApp.Admin);
        var created = await clients.CreateAsync(new ClientInput("Initech", true, null));
        await clients.UpdateAsync(created.Id, new ClientInput("Initech Ltd", true, null));

        await using var db = _app.Db();
        var update = await db.AuditEntries.SingleAsync(a => a.Action == "Update");
        Assert.Equal("{\"name\":\"Initech\"}", update.OldValues);
        Assert.Equal("{\"name\":\"Initech Ltd\"}", update.NewValues);
    }

    [Fact]
    public async Task DuplicateNameIgnoringCaseIsRefusedAndNothingIsWritten()
    {
        var clients = _app.Service<ClientService>(TestApp.Admin);
        await clients.CreateAsync(new ClientInput("Globex", true, null));

        var error = await Assert.ThrowsAsync<ConflictException>(() => clients.CreateAsync(new ClientInput("GLOBEX", true, null)));
        Assert.Contains("already exists", error.Message);
        await using var db = _app.Db();
        Assert.Equal(1, await db.Clients.CountAsync());
    }

    [Fact]
    public async Task InvalidInputIsRefusedWithFieldMessages()
    {
        var clients = _app.Service<ClientService>(TestApp.Admin);
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            clients.CreateAsync(new ClientInput("", true, new[] { "not-an-email" })));
        Assert.Contains("name", error.Errors.Keys);
        Assert.Contains("alert_emails", error.Errors.Keys);
        await using var db = _app.Db();
        Assert.Equal(0, await db.Clients.CountAsync());
    }

    [Fact]
    public async Task ViewerCannotCreateEvenByCallingTheServiceDirectly()
    {
        var clients = _app.Service<ClientService>(TestApp.Viewer);
        await Assert.ThrowsAsync<ForbiddenException>(() => clients.CreateAsync(new ClientInput("Hooli", true, null)));
        Assert.Empty((await clients.ListAsync(new ClientFilter(), new PageRequest())).Items);
    }

    [Fact]
    public async Task ListPagesSortsAndFiltersOnTheServer()
    {
        var clients = _app.Service<ClientService>(TestApp.Admin);
        foreach (var name in new[] { "Delta", "alpha", "Charlie", "Bravo", "Echo" })
            await clients.CreateAsync(new ClientInput(name, name != "Echo", null));

        var page = await clients.ListAsync(new ClientFilter(), new PageRequest(Skip: 1, Take: 2, OrderBy: "Name desc"));
        Assert.Equal(5, page.Total);
        Assert.Equal(new[] { "Delta", "Charlie" }, page.Items.Select(c => c.Name));

        var disabled = await clients.ListAsync(new ClientFilter(Enabled: false), new PageRequest());
        Assert.Equal("Echo", Assert.Single(disabled.Items).Name);
        var search = await clients.ListAsync(new ClientFilter(Search: "rav"), new PageRequest());
        Assert.Equal("Bravo", Assert.Single(search.Items).Name);
    }

    [Fact]
    public async Task AuditEntriesCannotBeChangedOrDeleted()
    {
        await _app.Service<ClientService>(TestApp.Admin).CreateAsync(new ClientInput("Umbrella", true, null));
        await using var db = _app.Db();
        var entry = await db.AuditEntries.SingleAsync();

        entry.Actor = "someone else";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        var raw = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries"));
        Assert.Contains("append-only", raw.Message);
        Assert.Equal(1, await db.AuditEntries.CountAsync());
    }
}
