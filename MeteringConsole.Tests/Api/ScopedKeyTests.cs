using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Api;

/// <summary>
/// A client-scoped key stays inside its client whatever its role: global settings and
/// whole-estate actions answer 403 and change nothing; reads show only its client's rows.
/// </summary>
public sealed class ScopedKeyTests : IClassFixture<ScopedKeyTests.Estate>
{
    /// <summary>Two clients (mine and theirs), a unit type and a suppression rule, made through an unscoped Admin key.</summary>
    public sealed class Estate : IAsyncLifetime
    {
        public ApiFactory Api { get; } = new() { Settings = { ["Jobs:Enabled"] = "false" } };
        public int Mine { get; private set; }
        public int Theirs { get; private set; }
        public int UnitType { get; private set; }
        public int Suppression { get; private set; }
        public HttpClient Admin { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Admin = await Api.ClientWithKeyAsync(ApiKeyRole.Admin);
            Mine = await IdOf(await Admin.PostAsJsonAsync("/api/v1/clients", new { name = "Mine" }));
            Theirs = await IdOf(await Admin.PostAsJsonAsync("/api/v1/clients", new { name = "Theirs" }));
            UnitType = await IdOf(await Admin.PostAsJsonAsync("/api/v1/unit-types", new { name = "vcpu-hours", base_rate = 1 }));
            Suppression = await IdOf(await Admin.PostAsJsonAsync("/api/v1/suppressions", new { pattern = "theirs-*", type = "glob" }));
        }

        public async Task DisposeAsync() => await Api.DisposeAsync();

        private static async Task<int> IdOf(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        }
    }

    private readonly Estate _estate;

    public ScopedKeyTests(Estate estate) => _estate = estate;

    public static TheoryData<string, string, string?> GlobalEndpoints => new()
    {
        { "GET", "/api/v1/audit", null },
        { "GET", "/api/v1/suppressions", null },
        { "POST", "/api/v1/suppressions", """{"pattern":"*","type":"glob"}""" },
        { "DELETE", "/api/v1/suppressions/{suppression}", null },
        { "POST", "/api/v1/unit-types", """{"name":"scoped-units"}""" },
        { "PUT", "/api/v1/unit-types/{unit}", """{"base_rate":99}""" },
        { "POST", "/api/v1/billing/runs", """{"period_start":"2026-10-01"}""" },
        { "GET", "/api/v1/billing/runs", null },
        { "GET", "/api/v1/billing/runs/1", null },
        { "POST", "/api/v1/billing/periods/2026-10-01/finalize", null },
        { "POST", "/api/v1/projections/runs", null },
        { "GET", "/api/v1/projections/runs/1", null },
        { "POST", "/api/v1/clients", """{"name":"Made by a scoped key"}""" },
        { "DELETE", "/api/v1/clients/{theirs}", null },
        { "DELETE", "/api/v1/clients/{mine}", null },
    };

    [Theory]
    [MemberData(nameof(GlobalEndpoints))]
    public async Task AScopedAdminKeyIsRefusedGlobalEndpointsAndNothingChanges(string method, string path, string? body)
    {
        var scopedAdmin = await _estate.Api.ClientWithKeyAsync(ApiKeyRole.Admin, _estate.Mine);
        var before = await CountsAsync();

        var response = await scopedAdmin.SendAsync(Request(method, path, body));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString();
        Assert.Contains("scoped to one client", detail);
        Assert.Equal(before, await CountsAsync());
    }

    [Theory]
    [InlineData("GET", "/api/v1/audit", null, HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/suppressions", null, HttpStatusCode.OK)]
    [InlineData("POST", "/api/v1/unit-types", """{"name":"unscoped-units"}""", HttpStatusCode.Created)]
    [InlineData("PUT", "/api/v1/unit-types/{unit}", """{"description":"edited"}""", HttpStatusCode.OK)]
    [InlineData("GET", "/api/v1/billing/runs", null, HttpStatusCode.OK)]
    public async Task AnUnscopedAdminKeyStillReachesThem(string method, string path, string? body, HttpStatusCode expected)
        => Assert.Equal(expected, (await _estate.Admin.SendAsync(Request(method, path, body))).StatusCode);

    [Fact]
    public async Task AScopedKeyMayStillReadTheUnitTypeCatalogue()
    {
        var scoped = await _estate.Api.ClientWithKeyAsync(ApiKeyRole.ReadOnly, _estate.Mine);
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync("/api/v1/unit-types")).StatusCode);
    }

    [Theory]
    [InlineData(ApiKeyRole.Admin)]
    [InlineData(ApiKeyRole.ReadOnly)]
    public async Task AScopedKeyReadsOnlyItsOwnClientsRows(ApiKeyRole role)
    {
        var scoped = await _estate.Api.ClientWithKeyAsync(role, _estate.Mine);

        var clients = await scoped.GetFromJsonAsync<JsonElement>("/api/v1/clients");
        Assert.Equal(new[] { _estate.Mine }, clients.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, (await scoped.GetAsync($"/api/v1/clients/{_estate.Mine}/usage")).StatusCode);
        foreach (var path in new[]
        {
            $"/api/v1/clients/{_estate.Theirs}", $"/api/v1/clients/{_estate.Theirs}/usage", $"/api/v1/clients/{_estate.Theirs}/buckets",
            $"/api/v1/clients/{_estate.Theirs}/projections", $"/api/v1/billing/readings?client_id={_estate.Theirs}",
        })
            Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task AScopedAdminKeyMayEditOnlyItsOwnClient()
    {
        var scopedAdmin = await _estate.Api.ClientWithKeyAsync(ApiKeyRole.Admin, _estate.Mine);
        Assert.Equal(HttpStatusCode.OK, (await scopedAdmin.PutAsJsonAsync($"/api/v1/clients/{_estate.Mine}", new { alert_emails = new[] { "ops@mine.test" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scopedAdmin.PutAsJsonAsync($"/api/v1/clients/{_estate.Theirs}", new { name = "Taken over" })).StatusCode);
        var theirs = await _estate.Admin.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{_estate.Theirs}");
        Assert.Equal("Theirs", theirs.GetProperty("name").GetString());
    }

    private HttpRequestMessage Request(string method, string path, string? body)
    {
        var url = path.Replace("{suppression}", _estate.Suppression.ToString()).Replace("{unit}", _estate.UnitType.ToString())
            .Replace("{theirs}", _estate.Theirs.ToString()).Replace("{mine}", _estate.Mine.ToString());
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>Every change is audited; runs are counted on their own (they are results, not audited rows).</summary>
    private async Task<(int Audit, int BillingRuns, int JobRuns, int Clients)> CountsAsync()
    {
        await using var scope = _estate.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        return (await db.AuditEntries.CountAsync(), await db.BillingRuns.CountAsync(), await db.JobRuns.CountAsync(), await db.Clients.CountAsync());
    }
}
