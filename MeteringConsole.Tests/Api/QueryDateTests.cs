using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Domain;

namespace MeteringConsole.Tests.Api;

/// <summary>Date query parameters outside billing: a bad or out-of-range date is a 400 naming the field, never a 500.</summary>
public sealed class QueryDateTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public QueryDateTests(ApiFactory api) => _api = api;

    [Theory]
    [InlineData("to=0001-01-01", "to")]
    [InlineData("from=0001-01-01&to=0001-01-02", "from")]
    [InlineData("from=9999-12-31&to=9999-12-31", "from")]
    [InlineData("to=0001-01-20", "to")]
    [InlineData("from=abc", "from")]
    [InlineData("to=2026-02-30", "to")]
    public async Task AClientsUsageSeriesRefusesDatesOffTheCalendarNamingTheField(string query, string field)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = (await (await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Dates " + Guid.NewGuid().ToString("N")[..8] }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var response = await admin.GetAsync($"/api/v1/clients/{client}/usage?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains(field, errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task TheFirstDaysOfTheRangeStillAnswer()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = (await (await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Early " + Guid.NewGuid().ToString("N")[..8] }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/clients/{client}/usage?to=1970-01-05")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/clients/{client}/usage?from=9999-12-01&to=9999-12-30")).StatusCode);
    }
}
