using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Features.UnitTypes;

public sealed class UnitTypeApiTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public UnitTypeApiTests(ApiFactory api) => _api = api;

    [Fact]
    public async Task WithoutAKeyTheAnswerIs401()
    {
        var response = await _api.CreateClient().GetAsync("/api/v1/unit-types");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ReadOnlyKeyMayListButNotCreateOrEdit()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/unit-types", new { name = "ro-" + Guid.NewGuid().ToString("N")[..8] }));
        var readOnly = await _api.ClientWithKeyAsync(ApiKeyRole.ReadOnly);

        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/api/v1/unit-types")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsJsonAsync("/api/v1/unit-types", new { name = "nope" })).StatusCode);
        var put = await readOnly.PutAsJsonAsync($"/api/v1/unit-types/{created.GetProperty("id").GetInt32()}", new { base_rate = 9 });
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Equal("application/problem+json", put.Content.Headers.ContentType?.MediaType);
        var ingest = await _api.ClientWithKeyAsync(ApiKeyRole.Ingest);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync("/api/v1/unit-types")).StatusCode);
    }

    [Fact]
    public async Task PostAnswers201WithLocationAndSnakeCaseFields()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/unit-types", new
        {
            name = "vcpu-hours-api", description = "vCPU hours", aggregation = "max", auto_provision = true,
            base_rate = 0.05m, overage_rate = 0.075m, filter_pattern = "vm-*",
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadAsync(response);
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/unit-types/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("max", body.GetProperty("aggregation").GetString());
        Assert.True(body.GetProperty("auto_provision").GetBoolean());
        Assert.Equal(0.05m, body.GetProperty("base_rate").GetDecimal());
        Assert.Equal("0.075", body.GetProperty("overage_rate").GetRawText());
        Assert.Equal("vm-*", body.GetProperty("filter_pattern").GetString());
        Assert.True(body.TryGetProperty("created_at", out _));

        var list = await ReadAsync(await admin.GetAsync("/api/v1/unit-types?search=vcpu-hours-api"));
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal("vcpu-hours-api", list.GetProperty("items")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task BadBodyIs400ProblemWithFieldErrors()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/unit-types", new { name = "", aggregation = "median", base_rate = -1, filter_pattern = "a{b,c}" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadAsync(response)).GetProperty("errors");
        Assert.Equal(new[] { "aggregation", "base_rate", "filter_pattern", "name" }, errors.EnumerateObject().Select(p => p.Name).OrderBy(n => n));
    }

    [Fact]
    public async Task PutAnswers200AndKeepsFieldsItLeavesOut()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/unit-types",
            new { name = "seats-put", aggregation = "last", base_rate = 10, overage_rate = 12 }));
        var id = created.GetProperty("id").GetInt32();

        var response = await admin.PutAsJsonAsync($"/api/v1/unit-types/{id}", new { overage_rate = 15.5 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        Assert.Equal(("seats-put", "last", 10m, 15.5m),
            (body.GetProperty("name").GetString(), body.GetProperty("aggregation").GetString(),
             body.GetProperty("base_rate").GetDecimal(), body.GetProperty("overage_rate").GetDecimal()));
    }

    [Fact]
    public async Task DuplicateNameIs409AndUnknownIdIs404()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        await admin.PostAsJsonAsync("/api/v1/unit-types", new { name = "dup-units" });
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("/api/v1/unit-types", new { name = "DUP-units" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync("/api/v1/unit-types/999999", new { name = "x" })).StatusCode);
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
