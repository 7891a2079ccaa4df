using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Domain;
using MeteringConsole.Features.Audit;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Features.Audit;

public sealed class AuditApiTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public AuditApiTests(ApiFactory api) => _api = api;

    [Fact]
    public async Task WithoutAKeyTheAnswerIs401()
        => Assert.Equal(HttpStatusCode.Unauthorized, (await _api.CreateClient().GetAsync("/api/v1/audit")).StatusCode);

    [Theory]
    [InlineData(ApiKeyRole.ReadOnly)]
    [InlineData(ApiKeyRole.Ingest)]
    public async Task OnlyAdminKeysMayReadTheLog(ApiKeyRole role)
    {
        var response = await (await _api.ClientWithKeyAsync(role)).GetAsync("/api/v1/audit");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AdminSeesFilteredEntriesWithSnakeCaseFieldsAndJsonValues()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var name = "audit-" + Guid.NewGuid().ToString("N")[..8];
        var created = JsonDocument.Parse(await (await admin.PostAsJsonAsync("/api/v1/unit-types", new { name, base_rate = 1 })).Content.ReadAsStringAsync()).RootElement;
        var id = created.GetProperty("id").GetInt32();
        await admin.PutAsJsonAsync($"/api/v1/unit-types/{id}", new { base_rate = 2 });
        var today = TestClock.Now.UtcDateTime.ToString("yyyy-MM-dd");

        var response = await admin.GetAsync($"/api/v1/audit?table=unit_types&action=Update&from={today}&to={today}&actor=apikey");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var entry = body.GetProperty("items").EnumerateArray().Single(e => e.GetProperty("record_id").GetString() == id.ToString());
        Assert.Equal(("Update", "unit_types"), (entry.GetProperty("action").GetString(), entry.GetProperty("table").GetString()));
        Assert.StartsWith("apikey:", entry.GetProperty("actor").GetString());
        Assert.Equal(JsonValueKind.Number, entry.GetProperty("api_key_id").ValueKind);
        Assert.True(entry.TryGetProperty("created_at", out _));
        Assert.Equal(1m, entry.GetProperty("old_values").GetProperty("base_rate").GetDecimal());
        Assert.Equal(2m, entry.GetProperty("new_values").GetProperty("base_rate").GetDecimal());

        var yesterday = TestClock.Now.UtcDateTime.AddDays(-1).ToString("yyyy-MM-dd");
        var none = JsonDocument.Parse(await admin.GetStringAsync($"/api/v1/audit?table=unit_types&to={yesterday}")).RootElement;
        Assert.Equal(0, none.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01", "to")]
    [InlineData("from=21/11/2026", "from")]
    [InlineData("action=Upsert", "action")]
    [InlineData("from=2026-11-21&to=2026-11-20", "to")]
    [InlineData("from=0001-01-01", "from")]
    [InlineData("to=9999-12-31", "to")]
    [InlineData("to=0001-01-01T00:00:00Z", "to")]
    [InlineData("from=9999-12-31T23:59:59Z", "from")]
    public async Task BadFiltersAre400ProblemWithFieldErrors(string query, string field)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.GetAsync("/api/v1/audit?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(new[] { field }, errors.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("2026-11-21", false, "2026-11-21T00:00:00.0000000")]
    [InlineData("2026-11-21", true, "2026-11-21T23:59:59.9999999")]
    [InlineData("2026-11-21T08:30Z", false, "2026-11-21T08:30:00.0000000")]
    [InlineData("2026-11-21T08:30:15", false, "2026-11-21T08:30:15.0000000")]
    [InlineData("2026-11-21T08:30:15.25+01:00", true, "2026-11-21T07:30:15.2500000")]
    [InlineData("2026-11-21T08:30:15 01:00", false, "2026-11-21T07:30:15.0000000")]
    public void InstantsAreIsoDatesOrDateTimesInUtc(string text, bool endOfDay, string expected)
    {
        var parsed = AuditEndpoints.ParseInstant(text, "from", endOfDay)!.Value;
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        Assert.Equal(expected, parsed.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff"));
    }
}
