using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Api;

public sealed class UsageApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();
    private int _acme;

    public async Task InitializeAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringConsole.Data.AppDbContext>();
        db.UnitTypes.Add(new UnitType { Name = "vcpu-hours", Aggregation = Aggregation.Sum, CreatedAt = TestClock.Now.UtcDateTime });
        var acme = new Client { Name = "Acme", CreatedAt = TestClock.Now.UtcDateTime };
        db.Clients.Add(acme);
        await db.SaveChangesAsync();
        _acme = acme.Id;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    private static object Event(string id, string asset = "vm-1", double value = 1, int? client = null) => new
    {
        event_id = id, timestamp = TestClock.Now.AddMinutes(-10).ToString("O"), source = "vmware", asset_id = asset,
        unit_type = "vcpu-hours", value, client_id = client,
    };

    private async Task<long> CountAsync(string sql)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringConsole.Data.AppDbContext>();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync());
    }

    [Fact]
    public async Task BatchAnswersAcceptedDuplicatesAndSuppressed()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        var response = await http.PostAsJsonAsync("/api/v1/usage", new[] { Event("a"), Event("b"), Event("a") });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, 1, 0), (body.GetProperty("accepted").GetInt32(), body.GetProperty("duplicates").GetInt32(), body.GetProperty("suppressed").GetInt32()));

        var single = await http.PostAsJsonAsync("/api/v1/usage", Event("c"));
        Assert.Equal(1, (await single.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task InvalidEventRefusesTheBatchWithPerEventErrors()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        var badShape = new { event_id = "x", timestamp = "2026-11-20 10:00", source = "vmware", asset_id = "vm-2", unit_type = "vcpu-hours", value = -3 };
        var unknownUnit = new { event_id = "y", timestamp = TestClock.Now.ToString("O"), source = "vmware", asset_id = "vm-2", unit_type = "nope", value = 1 };
        var response = await http.PostAsJsonAsync("/api/v1/usage", new object[] { Event("ok"), badShape, unknownUnit });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(new[] { (1, "x", "timestamp"), (1, "x", "value"), (2, "y", "unit_type") },
            errors.Select(e => (e.GetProperty("index").GetInt32(), e.GetProperty("event_id").GetString()!, e.GetProperty("field").GetString()!)));
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("message").GetString())));
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM usage_readings"));
    }

    [Theory]
    [InlineData("{\"event_id\": ")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task MalformedJsonIs400(string body)
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        var response = await http.PostAsync("/api/v1/usage", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("body", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString());
    }

    [Fact]
    public async Task MoreThanTenThousandEventsIs413AndNothingIsStored()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        var response = await http.PostAsJsonAsync("/api/v1/usage", Enumerable.Range(0, 10_001).Select(i => Event($"e{i}")).ToArray());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM usage_readings"));
    }

    [Fact]
    public async Task BodyOverFiveMegabytesIs413()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        var padded = new { event_id = "big", timestamp = TestClock.Now.ToString("O"), source = "vmware", asset_id = "vm", unit_type = "vcpu-hours", value = 1, asset_description = new string('x', 6 * 1024 * 1024) };
        var response = await http.PostAsJsonAsync("/api/v1/usage", padded);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task KeysAndRolesAreEnforced()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _factory.CreateClient().PostAsJsonAsync("/api/v1/usage", Event("a"))).StatusCode);
        var readOnly = await _factory.ClientWithKeyAsync(ApiKeyRole.ReadOnly);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsJsonAsync("/api/v1/usage", Event("a"))).StatusCode);
        var admin = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("/api/v1/usage", Event("a"))).StatusCode);
    }

    [Fact]
    public async Task ClientScopedKeyIsForbiddenOtherClientsAssets()
    {
        var admin = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var other = (await (await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Other" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        await admin.PostAsJsonAsync("/api/v1/usage", Event("o1", "other-vm", client: other));

        var scoped = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest, _acme);
        var response = await scoped.PostAsJsonAsync("/api/v1/usage", new[] { Event("s1", "acme-new"), Event("s2", "other-vm") });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM usage_readings"));
        Assert.Equal(HttpStatusCode.OK, (await scoped.PostAsJsonAsync("/api/v1/usage", Event("s3", "acme-new"))).StatusCode);
        Assert.Equal(_acme, await CountAsync("SELECT client_id FROM assets WHERE external_id = 'acme-new'"));
    }

    [Theory]
    [InlineData("1999-12-31T23:59:59Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("0000-01-01T00:00:00Z")]
    public async Task TimestampsBefore2000OrOutsideTheCalendarAre400NamingTheField(string timestamp)
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        var response = await http.PostAsJsonAsync("/api/v1/usage", new { event_id = "t", timestamp, source = "vmware", asset_id = "vm-1", unit_type = "vcpu-hours", value = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Single();
        Assert.Equal("timestamp", error.GetProperty("field").GetString());
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM usage_readings"));
    }

    [Fact]
    public async Task EventIdsAreKeptAsSentAndControlCharactersAreRefused()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        var refused = await http.PostAsJsonAsync("/api/v1/usage", new[] { Event("fine"), Event("nul\0byte") });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Single();
        Assert.Equal((1, "event_id"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));

        var padded = await http.PostAsJsonAsync("/api/v1/usage", new[] { Event("x"), Event(" x ") });
        Assert.Equal(2, (await padded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accepted").GetInt32());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM usage_readings WHERE event_id = ' x '"));
    }

    [Fact]
    public async Task UsageForADisabledClientIs400NamingClientId()
    {
        var admin = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await (await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Dormant", enabled = false })).Content.ReadFromJsonAsync<JsonElement>();
        var dormant = created.GetProperty("id").GetInt32();

        var response = await admin.PostAsJsonAsync("/api/v1/usage", Event("d1", "vm-dormant", client: dormant));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().Single();
        Assert.Equal("client_id", error.GetProperty("field").GetString());
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM assets"));
    }

    [Fact]
    public async Task ClientUsageIsADailySeriesPerUnitType()
    {
        var admin = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var today = TestClock.Now.UtcDateTime.Date;
        object At(string id, DateTime t, double v) => new
        {
            event_id = id, timestamp = new DateTimeOffset(t, TimeSpan.Zero).ToString("O"), source = "vmware", asset_id = "vm-9",
            unit_type = "vcpu-hours", value = v, client_id = _acme,
        };
        await admin.PostAsJsonAsync("/api/v1/usage", new[] { At("d1", today.AddDays(-2).AddHours(3), 2), At("d2", today.AddDays(-2).AddHours(9), 3), At("d3", today.AddHours(-0), 4) });

        var from = DateOnly.FromDateTime(today.AddDays(-3));
        var to = DateOnly.FromDateTime(today);
        var usage = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{_acme}/usage?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&unit_type=VCPU-HOURS");
        var series = usage.GetProperty("series").EnumerateArray().Single();
        Assert.Equal("sum", series.GetProperty("aggregation").GetString());
        var values = series.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()).ToArray();
        Assert.Equal(new double[] { 0, 5, 0, 4 }, values);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/v1/clients/{_acme}/usage?unit_type=nope")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/v1/clients/{_acme}/usage?from=2026-11-10&to=2026-11-01")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/clients/999/usage")).StatusCode);
        var ingestOnly = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingestOnly.GetAsync($"/api/v1/clients/{_acme}/usage")).StatusCode);
    }
}
