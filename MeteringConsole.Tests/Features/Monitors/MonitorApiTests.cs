using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Features.Billing;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Monitors;

/// <summary>The monitor endpoints: field errors, PUT keeping omitted fields, roles, client scoping and the values series.</summary>
public sealed class MonitorApiTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;
    private readonly BillingFixture _data;

    public MonitorApiTests(ApiFactory api)
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

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, bool ok = true)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (ok) Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>A client with one commit-100 bucket (base 1.00, overage 1.50) and 120 units on 2026-11-02.</summary>
    private async Task<(int Client, int Bucket)> EstateAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var client = await _data.ClientAsync("Monitor API " + tag);
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("hours-" + tag);
        var asset = await _data.AssetAsync(source, "vm-" + tag, client);
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 100, 1, 1.5m, new[] { asset });
        await _data.ReadingsAsync(asset, unit, (Utc(2026, 11, 2, 9), 120));
        return (client, bucket);
    }

    [Theory]
    [InlineData("""{"name":"x","source":"coming_soon"}""", "source")]
    [InlineData("""{"name":"x"}""", "source")]
    [InlineData("""{"name":"","source":"contract","item":"commit"}""", "name")]
    [InlineData("""{"name":"x","source":"contract"}""", "item")]
    [InlineData("""{"name":"x","source":"contract","item":"final_cost"}""", "item")]
    [InlineData("""{"name":"x","source":"usage_aggregate"}""", "unit_type")]
    [InlineData("""{"name":"x","source":"usage_aggregate","unit_type":"nope"}""", "unit_type")]
    [InlineData("""{"name":"x","source":"contract","item":"commit","bucket_id":999999}""", "bucket_id")]
    [InlineData("""{"name":"x","source":"contract","item":"commit","bucket_id":"one"}""", "bucket_id")]
    public async Task BadMonitorInputIs400NamingTheFieldAndStoresNothing(string body, string field)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var before = (await JsonAsync(await admin.GetAsync("/api/v1/monitors"))).GetProperty("total").GetInt32();

        var response = await admin.PostAsync("/api/v1/monitors", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await JsonAsync(response, ok: false)).GetProperty("errors").TryGetProperty(field, out _), $"No error for {field}.");
        Assert.Equal(before, (await JsonAsync(await admin.GetAsync("/api/v1/monitors"))).GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CreateReadPutKeepingOmittedFieldsAndDelete()
    {
        var (_, bucket) = await EstateAsync();
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await admin.PostAsJsonAsync("/api/v1/monitors",
            new { name = "Billed so far", description = "bucket A", source = "contract", item = "billed_amount", bucket_id = bucket });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await JsonAsync(created)).GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/monitors/{id}", created.Headers.Location?.ToString());

        var put = await JsonAsync(await admin.PutAsJsonAsync($"/api/v1/monitors/{id}", new { name = "Billed to date" }));
        Assert.Equal(("Billed to date", "bucket A", "contract", "billed_amount", bucket),
            (put.GetProperty("name").GetString(), put.GetProperty("description").GetString(), put.GetProperty("source").GetString(),
                put.GetProperty("item").GetString(), put.GetProperty("bucket_id").GetInt32()));
        Assert.Equal("Billed to date", (await JsonAsync(await admin.GetAsync($"/api/v1/monitors/{id}"))).GetProperty("name").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/monitors/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/monitors/{id}")).StatusCode);
    }

    [Fact]
    public async Task ValuesAreADailySeriesNetOrIncrement()
    {
        var (client, bucket) = await EstateAsync();
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var id = (await JsonAsync(await admin.PostAsJsonAsync("/api/v1/monitors",
            new { name = "Billed", source = "contract", item = "billed_amount", bucket_id = bucket }))).GetProperty("id").GetInt32();

        var net = await JsonAsync(await admin.GetAsync($"/api/v1/monitors/{id}/values?client_id={client}&from=2026-11-01&to=2026-11-02&mode=net"));
        // 120 units: 100 × 1.00 + 20 × 1.50.
        Assert.Equal(new[] { ("2026-11-01", 100m), ("2026-11-02", 130m) },
            net.GetProperty("values").EnumerateArray().Select(v => (v.GetProperty("date").GetString()!, v.GetProperty("value").GetDecimal())).ToArray());
        var increment = await JsonAsync(await admin.GetAsync($"/api/v1/monitors/{id}/values?client_id={client}&from=2026-11-02&to=2026-11-02&mode=increment"));
        Assert.Equal(30m, increment.GetProperty("values")[0].GetProperty("value").GetDecimal());

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/v1/monitors/{id}/values?client_id={client}&mode=gross")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync($"/api/v1/monitors/{id}/values?client_id={client}&from=soon")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await admin.GetAsync($"/api/v1/monitors/{id}/values?client_id={client}&from=2026-11-03&to=2026-11-01")).StatusCode);
    }

    [Fact]
    public async Task AdminWritesReadOnlyReadsAndAClientScopedKeySeesOnlyItsClient()
    {
        var (mine, myBucket) = await EstateAsync();
        var (theirs, theirBucket) = await EstateAsync();
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var body = new { name = "Invoice", source = "contract", item = "invoice_total" };
        var shared = (await JsonAsync(await admin.PostAsJsonAsync("/api/v1/monitors", body))).GetProperty("id").GetInt32();
        var theirMonitor = (await JsonAsync(await admin.PostAsJsonAsync("/api/v1/monitors", new { name = "Theirs", source = "contract", item = "commit",
            bucket_id = theirBucket }))).GetProperty("id").GetInt32();

        var readOnly = await _api.ClientWithKeyAsync(ApiKeyRole.ReadOnly);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsJsonAsync("/api/v1/monitors", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PutAsJsonAsync($"/api/v1/monitors/{shared}", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.DeleteAsync($"/api/v1/monitors/{shared}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync($"/api/v1/monitors/{shared}/values?client_id={theirs}")).StatusCode);
        var ingest = await _api.ClientWithKeyAsync(ApiKeyRole.Ingest);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync("/api/v1/monitors")).StatusCode);

        var scoped = await _api.ClientWithKeyAsync(ApiKeyRole.ReadOnly, mine);
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/api/v1/monitors/{shared}/values?client_id={mine}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/monitors/{shared}/values?client_id={theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/monitors/{theirMonitor}")).StatusCode);
        var listed = (await JsonAsync(await scoped.GetAsync("/api/v1/monitors?take=500"))).GetProperty("items").EnumerateArray()
            .Select(m => m.GetProperty("id").GetInt32()).ToList();
        Assert.Contains(shared, listed);
        Assert.DoesNotContain(theirMonitor, listed);

        var scopedAdmin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin, mine);
        Assert.Equal(HttpStatusCode.Created, (await scopedAdmin.PostAsJsonAsync("/api/v1/monitors", new { name = "Mine", source = "contract", item = "commit",
            bucket_id = myBucket })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scopedAdmin.PostAsJsonAsync("/api/v1/monitors", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scopedAdmin.DeleteAsync($"/api/v1/monitors/{shared}")).StatusCode);
    }
}
