using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static MeteringConsole.Tests.Features.Billing.BillingFixture;

namespace MeteringConsole.Tests.Features.Billing;

/// <summary>The billing and bucket endpoints over HTTP, with billing runs executed by the real Hangfire server.</summary>
public sealed class BillingApiTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;
    private readonly BillingFixture _data;

    public BillingApiTests(ApiFactory api)
    {
        _api = api;
        _ = api.Server; // starts the host (and its scheduler) before the tests touch the database
        _data = new BillingFixture(api.Services.GetRequiredService<DatabaseOptions>(), api.Services.GetRequiredService<BillingSettings>(), () =>
        {
            var scope = api.Services.CreateScope();
            scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
            return scope.ServiceProvider.GetRequiredService<AppDbContext>();
        });
    }

    [Fact]
    public async Task EndpointsNeedAKeyAndTheRightRole()
    {
        var anonymous = _api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/buckets")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = "2026-10-01" })).StatusCode);
        var readOnly = await _api.ClientWithKeyAsync(ApiKeyRole.ReadOnly);
        var run = await readOnly.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = "2026-10-01" });
        Assert.Equal(HttpStatusCode.Forbidden, run.StatusCode);
        Assert.Equal("application/problem+json", run.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsync("/api/v1/billing/periods/2026-10-01/finalize", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsync("/api/v1/projections/runs", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/api/v1/billing/readings")).StatusCode);
        var ingest = await _api.ClientWithKeyAsync(ApiKeyRole.Ingest);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync("/api/v1/buckets")).StatusCode);
    }

    [Theory]
    [InlineData("2026-10-02")]
    [InlineData("not a date")]
    [InlineData("2099-01-01")]
    public async Task ABadPeriodIs400WithTheField(string period)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = period });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadAsync(response)).GetProperty("errors").TryGetProperty("period_start", out _));
        // A future period is a fine filter for reading, just not for billing.
        var read = await admin.GetAsync($"/api/v1/billing/readings?period_start={period}");
        Assert.Equal(period == "2099-01-01" ? HttpStatusCode.OK : HttpStatusCode.BadRequest, read.StatusCode);
    }

    [Fact]
    public async Task BucketsAreCreatedBoundEditedAndDeletedWithSnakeCaseFields()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = await _data.ClientAsync("Bucket API " + Guid.NewGuid().ToString("N")[..6]);
        var other = await _data.ClientAsync("Someone else " + Guid.NewGuid().ToString("N")[..6]);
        var source = await _data.SourceAsync("vmware");
        await _data.UnitTypeAsync("api-hours-" + client, Aggregation.Max, baseRate: 0.5m, overageRate: 0.6m);
        await _data.AssetAsync(source, $"vm-api-{client}-1", client);
        await _data.AssetAsync(source, $"vm-api-{client}-2", client);
        await _data.AssetAsync(source, $"vm-api-{client}-theirs", other);

        var created = await admin.PostAsJsonAsync("/api/v1/buckets", new
        {
            client_id = client, name = "VMware hours", source_type = "vmware", unit_type = "api-hours-" + client, commit = 100,
            asset_ids = new[] { $"vm-api-{client}-1" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var bucket = await ReadAsync(created);
        var id = bucket.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/buckets/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(("max", 0.5m, 0.6m, 100m, true, true), (bucket.GetProperty("aggregation").GetString(), bucket.GetProperty("base_rate").GetDecimal(),
            bucket.GetProperty("overage_rate").GetDecimal(), bucket.GetProperty("commit").GetDecimal(), bucket.GetProperty("reviewed").GetBoolean(),
            bucket.GetProperty("enabled").GetBoolean()));
        Assert.Equal(new[] { $"vm-api-{client}-1" }, bucket.GetProperty("asset_ids").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(client, bucket.GetProperty("client_id").GetInt32());
        Assert.Equal("vmware", bucket.GetProperty("source_type").GetString());

        var put = await admin.PutAsJsonAsync($"/api/v1/buckets/{id}", new { asset_ids = new[] { $"vm-api-{client}-1", $"vm-api-{client}-2" }, reviewed = false });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var edited = await ReadAsync(put);
        Assert.Equal(2, edited.GetProperty("asset_ids").GetArrayLength());
        Assert.Equal(("VMware hours", 100m, false), (edited.GetProperty("name").GetString(), edited.GetProperty("commit").GetDecimal(), edited.GetProperty("reviewed").GetBoolean()));

        var theirs = await admin.PutAsJsonAsync($"/api/v1/buckets/{id}", new { asset_ids = new[] { $"vm-api-{client}-theirs", "nope" } });
        Assert.Equal(HttpStatusCode.BadRequest, theirs.StatusCode);
        Assert.Equal(2, (await ReadAsync(theirs)).GetProperty("errors").GetProperty("asset_ids").GetArrayLength());

        var list = await ReadAsync(await admin.GetAsync($"/api/v1/clients/{client}/buckets"));
        Assert.Equal(id, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetInt32());
        var filtered = await ReadAsync(await admin.GetAsync($"/api/v1/buckets?client_id={client}&reviewed=true"));
        Assert.Equal(0, filtered.GetProperty("total").GetInt32());

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/buckets/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/buckets/{id}")).StatusCode);
    }

    [Fact]
    public async Task BadBucketBodyIs400AndDuplicateNameIs409()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/buckets", new { name = "", source_type = "nope", unit_type = "nope", commit = -1, aggregation = "median" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await ReadAsync(response)).GetProperty("errors");
        Assert.Equal(new[] { "aggregation", "client_id", "commit", "name", "source_type", "unit_type" }, errors.EnumerateObject().Select(p => p.Name).Order());

        var client = await _data.ClientAsync("Dup " + Guid.NewGuid().ToString("N")[..6]);
        await _data.SourceAsync("aws");
        var unit = "dup-units-" + client;
        await _data.UnitTypeAsync(unit);
        var body = new { client_id = client, name = "Twice", source_type = "aws", unit_type = unit };
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/buckets", body)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/buckets", body)).StatusCode);
    }

    [Fact]
    public async Task ARunIsAcceptedExecutedReadAndFinalizedThenReRunsAnswer409()
    {
        // September: no other test of this class bills it.
        const string period = "2026-09-01";
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = await _data.ClientAsync("Run API " + Guid.NewGuid().ToString("N")[..6]);
        var source = await _data.SourceAsync("vmware");
        var unit = await _data.UnitTypeAsync("run-hours-" + client);
        var asset = await _data.AssetAsync(source, "vm-run-" + client, client);
        await _data.ReadingsAsync(asset, unit, (Utc(2026, 9, 10), 150));
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 100, 0.1m, 0.2m, new[] { asset });

        var accepted = await admin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = period });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var run = await ReadAsync(accepted);
        var id = run.GetProperty("id").GetInt32();
        Assert.Contains(run.GetProperty("status").GetString(), new[] { "queued", "running", "succeeded" });
        Assert.Equal($"/api/v1/billing/runs/{id}", accepted.Headers.Location?.OriginalString);
        var finished = await WaitForRunAsync(admin, id);
        Assert.Equal("succeeded", finished.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, finished.GetProperty("error").ValueKind);
        Assert.StartsWith("apikey:", finished.GetProperty("started_by").GetString());

        var readings = await ReadAsync(await admin.GetAsync($"/api/v1/billing/readings?period_start={period}&client_id={client}"));
        var line = Assert.Single(readings.GetProperty("items").EnumerateArray());
        foreach (var field in new[] { "client_id", "bucket_id", "period_start", "period_end", "total_usage", "commit", "overage_units", "overage_cost", "buffer_units", "buffer_cost", "final_cost", "finalized" })
            Assert.True(line.TryGetProperty(field, out _), field);
        Assert.Equal((bucket, period, "2026-09-30", 150m, 50m, 10m, 20m, false), (line.GetProperty("bucket_id").GetInt32(), line.GetProperty("period_start").GetString(),
            line.GetProperty("period_end").GetString(), line.GetProperty("total_usage").GetDecimal(), line.GetProperty("overage_units").GetDecimal(),
            line.GetProperty("overage_cost").GetDecimal(), line.GetProperty("final_cost").GetDecimal(), line.GetProperty("finalized").GetBoolean()));

        // The period is named by its last day, inclusive, on every route (the screen and the CSV too).
        var billed = (await ReadAsync(await admin.GetAsync("/api/v1/billing/periods"))).EnumerateArray().Single(p => p.GetProperty("period_start").GetString() == period);
        Assert.Equal("2026-09-30", billed.GetProperty("period_end").GetString());
        Assert.Equal("2026-09-30", finished.GetProperty("period_end").GetString());

        var csv = await admin.GetAsync($"/api/v1/billing/export?period_start={period}&source=vmware");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"billing-{period}-vmware.csv", csv.Content.Headers.ContentDisposition?.FileNameStar ?? csv.Content.Headers.ContentDisposition?.FileName);

        var finalize = await admin.PostAsync($"/api/v1/billing/periods/{period}/finalize", null);
        Assert.Equal(HttpStatusCode.OK, finalize.StatusCode);
        Assert.True((await ReadAsync(finalize)).GetProperty("finalized").GetBoolean());
        var again = await admin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = period });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("finalized", (await ReadAsync(again)).GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/v1/billing/periods/{period}/finalize", null)).StatusCode);

        // Ingest refuses late readings into the finalized period, with the reason, and stores nothing.
        object Reading(string id, string at) => new { event_id = id, timestamp = at, source = "vmware", asset_id = "vm-run-" + client, unit_type = "run-hours-" + client, value = 5 };
        var late = await admin.PostAsJsonAsync("/api/v1/usage", new[] { Reading("late-" + client, "2026-09-30T23:59:59Z"), Reading("next-" + client, "2026-10-01T00:00:00Z") });
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        var error = Assert.Single((await ReadAsync(late)).GetProperty("errors").EnumerateArray());
        Assert.Equal((0, "timestamp"), (error.GetProperty("index").GetInt32(), error.GetProperty("field").GetString()));
        Assert.Contains("finalized", error.GetProperty("message").GetString());
        var nextPeriod = await admin.PostAsJsonAsync("/api/v1/usage", Reading("next-" + client, "2026-10-01T00:00:00Z"));
        Assert.Equal(1, (await ReadAsync(nextPeriod)).GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task AClientScopedKeySeesOnlyItsClient()
    {
        var mine = await _data.ClientAsync("Scoped " + Guid.NewGuid().ToString("N")[..6]);
        var theirs = await _data.ClientAsync("Other " + Guid.NewGuid().ToString("N")[..6]);
        var source = await _data.SourceAsync("m365");
        var unit = await _data.UnitTypeAsync("scoped-seats-" + mine, Aggregation.Last);
        var myBucket = await _data.BucketAsync(mine, source, unit, Aggregation.Last, 1, 1, 1, Array.Empty<int>());
        var theirBucket = await _data.BucketAsync(theirs, source, unit, Aggregation.Last, 1, 1, 1, Array.Empty<int>());
        var scoped = await _api.ClientWithKeyAsync(ApiKeyRole.ReadOnly, mine);

        var list = await ReadAsync(await scoped.GetAsync("/api/v1/buckets"));
        Assert.All(list.GetProperty("items").EnumerateArray(), b => Assert.Equal(mine, b.GetProperty("client_id").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/api/v1/buckets/{myBucket}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/buckets/{theirBucket}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/clients/{theirs}/buckets")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/clients/{theirs}/projections")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/billing/readings?client_id={theirs}")).StatusCode);
        var scopedAdmin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin, mine);
        Assert.Equal(HttpStatusCode.Forbidden, (await scopedAdmin.PostAsJsonAsync("/api/v1/billing/runs", new { period_start = "2026-10-01" })).StatusCode);
    }

    [Fact]
    public async Task ProjectionRunsAreAcceptedAndAClientsProjectionsAreListed()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = await _data.ClientAsync("Projection API " + Guid.NewGuid().ToString("N")[..6]);
        var source = await _data.SourceAsync("aws");
        var unit = await _data.UnitTypeAsync("proj-hours-" + client);
        var asset = await _data.AssetAsync(source, "i-proj-" + client, client);
        await _data.ReadingsAsync(asset, unit, (TestClock.Now.UtcDateTime.AddMinutes(-5), 10));
        var bucket = await _data.BucketAsync(client, source, unit, Aggregation.Sum, 0, 1, 1, new[] { asset });

        var accepted = await admin.PostAsync("/api/v1/projections/runs", null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await ReadAsync(accepted)).GetProperty("id").GetInt64();
        JsonElement run = default;
        for (var i = 0; i < 100; i++)
        {
            run = await ReadAsync(await admin.GetAsync($"/api/v1/projections/runs/{id}"));
            if (run.GetProperty("status").GetString() is "succeeded" or "failed") break;
            await Task.Delay(100);
        }
        Assert.Equal("succeeded", run.GetProperty("status").GetString());

        var projections = await ReadAsync(await admin.GetAsync($"/api/v1/clients/{client}/projections"));
        var row = Assert.Single(projections.EnumerateArray());
        foreach (var field in new[] { "bucket_id", "current_usage", "projected_usage", "projected_cost", "percent_of_commit", "calculated_at" })
            Assert.True(row.TryGetProperty(field, out _), field);
        Assert.Equal((bucket, 10m), (row.GetProperty("bucket_id").GetInt32(), row.GetProperty("current_usage").GetDecimal()));
        Assert.Equal(JsonValueKind.Null, row.GetProperty("percent_of_commit").ValueKind);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/clients/999999/projections")).StatusCode);
    }

    [Fact]
    public async Task ExportWithoutAnyBilledPeriodIs404OrTheLatestPeriod()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.GetAsync("/api/v1/billing/export");
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.OK });
    }

    private static async Task<JsonElement> WaitForRunAsync(HttpClient http, int id)
    {
        for (var i = 0; i < 200; i++)
        {
            var run = await ReadAsync(await http.GetAsync($"/api/v1/billing/runs/{id}"));
            if (run.GetProperty("status").GetString() is "succeeded" or "failed") return run;
            await Task.Delay(100);
        }
        throw new TimeoutException($"Billing run {id} did not finish.");
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
