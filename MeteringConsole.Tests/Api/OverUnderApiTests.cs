using System.Net;
using System.Text.Json;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Features.Billing;
using MeteringConsole.Tests.Features.OverUnder;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Api;

/// <summary>GET /api/v1/over-under: the answer's shape, its filters and who may read it.</summary>
public sealed class OverUnderApiTests : IClassFixture<OverUnderApiTests.Seeded>
{
    /// <summary>One API host with the worked example billed in October 2026.</summary>
    public sealed class Seeded : IAsyncLifetime
    {
        public ApiFactory Api { get; } = new();
        internal OverUnderFixture Data { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _ = Api.Server;
            var settings = Api.Services.GetRequiredService<BillingSettings>();
            AppDbContext Db()
            {
                var scope = Api.Services.CreateScope();
                scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
                return scope.ServiceProvider.GetRequiredService<AppDbContext>();
            }
            Data = new OverUnderFixture(new BillingFixture(Api.Services.GetRequiredService<DatabaseOptions>(), settings, Db), Db, settings);
            await Data.WorkedExampleAsync();
        }

        public async Task DisposeAsync() => await Api.DisposeAsync();
    }

    private readonly Seeded _seeded;

    public OverUnderApiTests(Seeded seeded) => _seeded = seeded;

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string query, ApiKeyRole role = ApiKeyRole.ReadOnly, int? scope = null)
    {
        var client = await _seeded.Api.ClientWithKeyAsync(role, scope);
        var response = await client.GetAsync("/api/v1/over-under" + query);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, body);
    }

    [Fact]
    public async Task WithoutAPeriodItAnswersTheLatestBilledPeriodInTheDocumentedShape()
    {
        var (status, body) = await GetAsync("");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("2026-10-01", "2026-10-31"), (body.GetProperty("period_start").GetString(), body.GetProperty("period_end").GetString()));
        Assert.Equal("USD", body.GetProperty("currency").GetString());
        var counts = body.GetProperty("counts");
        Assert.Equal((4, 1, 1, 1, 1), (counts.GetProperty("all").GetInt32(), counts.GetProperty("over").GetInt32(), counts.GetProperty("under").GetInt32(),
            counts.GetProperty("mixed").GetInt32(), counts.GetProperty("at_commit").GetInt32()));
        var clients = body.GetProperty("clients").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        var acme = clients["Acme"];
        Assert.Equal(("mixed", 340m, 250m, 12m, 90m, 30m), (acme.GetProperty("status").GetString(), acme.GetProperty("final_cost").GetDecimal(),
            acme.GetProperty("committed_cost").GetDecimal(), acme.GetProperty("vs_commit_percent").GetDecimal(), acme.GetProperty("overage_cost").GetDecimal(),
            acme.GetProperty("buffer_cost").GetDecimal()));
        Assert.Equal(new[] { "ram-gb", "vcpu" }, acme.GetProperty("unit_types").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("at_commit", clients["Beta"].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, clients["Delta"].GetProperty("vs_commit_percent").ValueKind);
        var candidate = body.GetProperty("right_size_candidates")[0];
        Assert.Equal(("Cobalt", 130m, 65m), (candidate.GetProperty("name").GetString(), candidate.GetProperty("buffer_units").GetProperty("ram-gb").GetDecimal(),
            candidate.GetProperty("percent_unused").GetDecimal()));
        Assert.Equal(95m, body.GetProperty("total_buffer_cost").GetDecimal());
        var ram = body.GetProperty("by_unit_type")[0];
        Assert.Equal(("ram-gb", -160m, 95m), (ram.GetProperty("unit_type").GetString(), ram.GetProperty("delta_units").GetDecimal(), ram.GetProperty("buffer_cost").GetDecimal()));
        var trend = body.GetProperty("trend").EnumerateArray().Single();
        Assert.Equal(("2026-10-01", 110m, 95m), (trend.GetProperty("period_start").GetString(), trend.GetProperty("overage_cost").GetDecimal(),
            trend.GetProperty("buffer_cost").GetDecimal()));
    }

    [Fact]
    public async Task StatusAndUnitTypeFilter()
    {
        var (_, under) = await GetAsync("?period_start=2026-10-01&status=under");
        var (_, vcpu) = await GetAsync("?status=over&unit_type=vcpu");

        Assert.Equal(new[] { "Cobalt" }, under.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(new[] { "Acme", "Delta" }, vcpu.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(3, vcpu.GetProperty("counts").GetProperty("all").GetInt32());
    }

    [Theory]
    [InlineData("?status=sideways", "status")]
    [InlineData("?unit_type=petabytes", "unit_type")]
    [InlineData("?period_start=2026-09-01", "period_start")]
    [InlineData("?period_start=9999-12-01", "period_start")]
    [InlineData("?period_start=yesterday", "period_start")]
    public async Task BadInputIsA400NamingTheField(string query, string field)
    {
        var (status, body) = await GetAsync(query);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task AdminAndReadOnlyMayReadAScopedKeySeesItsClientAndIngestMayNot()
    {
        var cobalt = _seeded.Data.ClientId("Cobalt");

        var (admin, _) = await GetAsync("", ApiKeyRole.Admin);
        var (ingest, _) = await GetAsync("", ApiKeyRole.Ingest);
        var (scoped, body) = await GetAsync("", ApiKeyRole.ReadOnly, cobalt);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Forbidden, HttpStatusCode.OK), (admin, ingest, scoped));
        Assert.Equal(new[] { cobalt }, body.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("client_id").GetInt32()));
    }
}
