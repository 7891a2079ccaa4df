using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.ApiKeys;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Tests.Features.ApiKeys;

public sealed class ApiKeyServiceTests : IAsyncLifetime
{
    private TestApp _app = null!;

    public async Task InitializeAsync() => _app = await TestApp.CreateAsync();
    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task OnlyAHashOfTheSecretIsStoredAndTheSecretValidates()
    {
        var keys = _app.Service<ApiKeyService>(TestApp.Admin);
        var created = await keys.CreateAsync(new ApiKeyInput("collector", ApiKeyRole.Ingest, null));

        await using var db = _app.Db();
        var stored = await db.ApiKeys.SingleAsync();
        Assert.DoesNotContain(created.Secret, stored.SecretHash);
        Assert.Equal(64, stored.SecretHash.Length);
        var audit = await db.AuditEntries.SingleAsync(a => a.Table == "api_keys");
        Assert.DoesNotContain("secret_hash", audit.NewValues);

        var validated = await keys.ValidateAsync(created.Secret);
        Assert.Equal(stored.Id, validated?.Id);
        Assert.Null(await keys.ValidateAsync(created.Secret[..^1] + (created.Secret[^1] == 'a' ? 'b' : 'a')));
    }

    [Fact]
    public async Task DisabledKeyNoLongerValidates()
    {
        var keys = _app.Service<ApiKeyService>(TestApp.Admin);
        var created = await keys.CreateAsync(new ApiKeyInput("temp", ApiKeyRole.ReadOnly, null));
        await keys.SetEnabledAsync(created.Key.Id, false);
        Assert.Null(await keys.ValidateAsync(created.Secret));
    }

    [Fact]
    public async Task ValidationRecordsLastUsed()
    {
        var keys = _app.Service<ApiKeyService>(TestApp.Admin);
        var created = await keys.CreateAsync(new ApiKeyInput("reader", ApiKeyRole.ReadOnly, null));
        Assert.Null((await keys.ListAsync(new PageRequest())).Items.Single().LastUsedAt);

        _app.Clock.Advance(TimeSpan.FromMinutes(5));
        await keys.ValidateAsync(created.Secret);
        var lastUsed = (await keys.ListAsync(new PageRequest())).Items.Single().LastUsedAt;
        Assert.NotNull(lastUsed);
        Assert.Equal(_app.Clock.GetUtcNow().UtcDateTime, lastUsed);
    }

    [Fact]
    public async Task OnlyAdminsManageKeys()
    {
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<ApiKeyService>(TestApp.Operator).CreateAsync(new ApiKeyInput("x", ApiKeyRole.Admin, null)));
        await Assert.ThrowsAsync<ForbiddenException>(() => _app.Service<ApiKeyService>(TestApp.Viewer).ListAsync(new PageRequest()));
    }

    [Fact]
    public async Task ScopeToAMissingClientIsRefused()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            _app.Service<ApiKeyService>(TestApp.Admin).CreateAsync(new ApiKeyInput("scoped", ApiKeyRole.ReadOnly, 77)));
        Assert.Contains("client_id", error.Errors.Keys);
        await using var db = _app.Db();
        Assert.Equal(0, await db.ApiKeys.CountAsync());
    }
}
