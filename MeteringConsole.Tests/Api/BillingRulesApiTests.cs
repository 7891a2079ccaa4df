using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Api;

/// <summary>Issue 8 over HTTP: contract dates on buckets, which periods billing takes, and the value limit at ingest.</summary>
public sealed class BillingRulesApiTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;
    private readonly BillingFixture _data;

    public BillingRulesApiTests(ApiFactory api)
    {
        _api = api;
        _ = api.Server;
        _data = new BillingFixture(api.Services.GetRequiredService<DatabaseOptions>(), api.Services.GetRequiredService<BillingSettings>(), () =>
        {
            var scope = api.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
            return scope.ServiceProvider.GetRequiredService<AppDbContext>();
        });
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await ReadAsync(response)).GetProperty("errors").TryGetProperty(field, out _), await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BucketsCarryContractDatesAndAPutKeepsThemUnlessTheBodyChangesThem()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = await _data.ClientAsync("Contract API " + Guid.NewGuid().ToString("N")[..6]);
        await _data.SourceAsync("vmware");
        var unit = "contract-hours-" + client;
        await _data.UnitTypeAsync(unit);

        var byDefault = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/buckets", new { client_id = client, name = "Default", source_type = "vmware", unit_type = unit }));
        Assert.Equal("2026-11-01", byDefault.GetProperty("starts_on").GetString());
        Assert.Equal(JsonValueKind.Null, byDefault.GetProperty("ends_on").ValueKind);

        var created = await admin.PostAsJsonAsync("/api/v1/buckets", new
        {
            client_id = client, name = "Dated", source_type = "vmware", unit_type = unit, starts_on = "2026-03-01", ends_on = "2027-02-28",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await ReadAsync(created)).GetProperty("id").GetInt32();

        var renamed = await ReadAsync(await admin.PutAsJsonAsync($"/api/v1/buckets/{id}", new { name = "Dated, renamed" }));
        Assert.Equal(("2026-03-01", "2027-02-28"), (renamed.GetProperty("starts_on").GetString(), renamed.GetProperty("ends_on").GetString()));
        var read = await ReadAsync(await admin.GetAsync($"/api/v1/buckets/{id}"));
        Assert.Equal("2027-02-28", read.GetProperty("ends_on").GetString());

        await AssertFieldErrorAsync(await admin.PutAsJsonAsync($"/api/v1/buckets/{id}", new { ends_on = "2026-02-28" }), "ends_on");
        await AssertFieldErrorAsync(await admin.PutAsJsonAsync($"/api/v1/buckets/{id}", new { starts_on = "March" }), "starts_on");
        await AssertFieldErrorAsync(await admin.PutAsJsonAsync($"/api/v1/buckets/{id}", new { ends_on = 20270228 }), "ends_on");
        Assert.Equal("2027-02-28", (await ReadAsync(await admin.GetAsync($"/api/v1/buckets/{id}"))).GetProperty("ends_on").GetString());

        // An explicit null makes the contract open-ended again.
        var open = await ReadAsync(await admin.PutAsync($"/api/v1/buckets/{id}",
            new StringContent("""{"ends_on": null}""", System.Text.Encoding.UTF8, "application/json")));
        Assert.Equal(JsonValueKind.Null, open.GetProperty("ends_on").ValueKind);
        Assert.Equal("2026-03-01", open.GetProperty("starts_on").GetString());
    }

    [Theory]
    [InlineData("2026-11-01", "open period")]
    [InlineData("2027-03-01", "not started")]
    [InlineData("2001-01-01", "earliest contract")]
    public async Task RunsAndFinalizeOfAPeriodThatIsNotClosedOrPrecedesEveryContractAre400(string period, string reason)
    {
        var client = await _data.ClientAsync("Periods " + Guid.NewGuid().ToString("N")[..6]);
        await _data.BucketAsync(client, await _data.SourceAsync("vmware"), await _data.UnitTypeAsync("period-units-" + client), Aggregation.Sum, 0, 0, 0,
            Array.Empty<int>());
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);

        var run = await admin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = period });
        await AssertFieldErrorAsync(run, "period_start");
        var finalize = await admin.PostAsync($"/api/v1/billing/periods/{period}/finalize", null);
        await AssertFieldErrorAsync(finalize, "period_start");
        Assert.Contains(reason, await finalize.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("9999-12-01")]
    [InlineData("0001-01-01")]
    public async Task DatesOutsideTheCalendarAre400NamingTheFieldOnEveryBillingEndpoint(string period)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);

        await AssertFieldErrorAsync(await admin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = period }), "period_start");
        await AssertFieldErrorAsync(await admin.PostAsync($"/api/v1/billing/periods/{period}/finalize", null), "period_start");
        await AssertFieldErrorAsync(await admin.GetAsync($"/api/v1/billing/readings?period_start={period}"), "period_start");
        await AssertFieldErrorAsync(await admin.GetAsync($"/api/v1/billing/export?period_start={period}"), "period_start");
    }

    [Fact]
    public async Task AReadingAboveTheLimitIsRefusedNamingTheValueAndOneAtTheLimitIsStored()
    {
        await _data.UnitTypeAsync("limit-units");
        var ingest = await _api.ClientWithKeyAsync(ApiKeyRole.Ingest);
        object Event(string id, double value) => new
        {
            event_id = id, timestamp = TestClock.Now.AddMinutes(-10).ToString("O"), source = "vmware", asset_id = "vm-limit", unit_type = "limit-units", value,
        };

        var refused = await ingest.PostAsJsonAsync("/api/v1/usage", new[] { Event("ok-" + Guid.NewGuid(), 1), Event("huge-" + Guid.NewGuid(), 1e13) });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = Assert.Single((await ReadAsync(refused)).GetProperty("errors").EnumerateArray());
        Assert.Equal((1, "value"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Contains("1,000,000,000", error.GetProperty("message").GetString());
        var atLimit = await ingest.PostAsJsonAsync("/api/v1/usage", Event("limit-" + Guid.NewGuid(), ValueLimits.MaxReadingValue));
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
    }
}
