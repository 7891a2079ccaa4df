using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Domain;

namespace MeteringConsole.Tests.Features.Alerts;

/// <summary>The alert, customer-alert and webhook endpoints: field errors, roles and client scoping.</summary>
public sealed class AlertApiTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public AlertApiTests(ApiFactory api)
    {
        _api = api;
        _ = api.Server;
    }

    private async Task<int> ClientAsync(HttpClient admin)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Alert API " + Guid.NewGuid().ToString("N")[..8] });
        return (await JsonAsync(response)).GetProperty("id").GetInt32();
    }

    [Theory]
    [InlineData("""{"alert_type":"spend_exploded","name":"x","threshold":1}""", "alert_type")]
    [InlineData("""{"name":"x","threshold":1}""", "alert_type")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x"}""", "threshold")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x","threshold":"lots"}""", "threshold")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"","threshold":1}""", "name")]
    [InlineData("""{"alert_type":"usage_threshold_reached","name":"x","threshold":1}""", "unit_type")]
    [InlineData("""{"alert_type":"usage_threshold_reached","name":"x","threshold":1,"unit_type":"nope"}""", "unit_type")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x","threshold":1,"unit_type":"nope"}""", "unit_type")]
    [InlineData("""{"alert_type":"usage_change_percent","name":"x","threshold":10,"unit_type":"gb","window":"month"}""", "window")]
    [InlineData("""{"alert_type":"usage_change_percent","name":"x","threshold":10,"unit_type":"gb","window":"day","direction":"sideways"}""", "direction")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x","threshold":1,"severity":"medium"}""", "severity")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x","threshold":1,"channels":["sms"]}""", "channels")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x","threshold":-1}""", "threshold")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x","threshold":1,"client_id":999999}""", "client_id")]
    [InlineData("""{"alert_type":"spend_threshold_reached","name":"x","threshold":1,"extra_recipients":["not-an-address"]}""", "extra_recipients")]
    public async Task BadAlertInputIs400NamingTheFieldAndStoresNothing(string body, string field)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        await admin.PostAsJsonAsync("/api/v1/unit-types", new { name = "gb", aggregation = "max" });
        var before = (await JsonAsync(await admin.GetAsync("/api/v1/alerts?include_archived=true"))).GetProperty("total").GetInt32();

        var response = await admin.PostAsync("/api/v1/alerts", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await JsonAsync(response, ok: false)).GetProperty("errors").TryGetProperty(field, out _), $"No error for {field}.");
        Assert.Equal(before, (await JsonAsync(await admin.GetAsync("/api/v1/alerts?include_archived=true"))).GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("ftp://hooks.example.com/x")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/relative/path")]
    [InlineData("")]
    public async Task AWebhookUrlThatIsNotHttpIs400NamingUrl(string url)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/webhooks", new { url, description = "bad" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await JsonAsync(response, ok: false)).GetProperty("errors").TryGetProperty("url", out _));
    }

    [Fact]
    public async Task AWebhookSecretIsShownOnceAndTheEndpointCanBeDeleted()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await _api.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhooks")
        {
            Headers = { Authorization = admin.DefaultRequestHeaders.Authorization },
            Content = JsonContent.Create(new { url = "https://hooks.example.com/metering", description = "finance" }),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await JsonAsync(created);
        var secret = body.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        Assert.True(Convert.FromBase64String(secret["whsec_".Length..]).Length >= 24);
        var id = body.GetProperty("id").GetInt32();

        var list = await admin.GetStringAsync("/api/v1/webhooks");
        Assert.Contains("https://hooks.example.com/metering", list);
        Assert.DoesNotContain(secret, list);
        Assert.DoesNotContain("secret", list);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
    }

    [Fact]
    public async Task AdminWritesReadOnlyReadsAndAClientScopedKeySeesOnlyItsClient()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var mine = await ClientAsync(admin);
        var theirs = await ClientAsync(admin);
        var alertBody = (int client) => new { alert_type = "invoice_total_reached", name = "Invoice 1000", threshold = 1000, client_id = client };
        var theirAlert = (await JsonAsync(await admin.PostAsJsonAsync("/api/v1/alerts", alertBody(theirs)))).GetProperty("id").GetInt32();

        var readOnly = await _api.ClientWithKeyAsync(ApiKeyRole.ReadOnly);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsJsonAsync("/api/v1/alerts", alertBody(mine))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsync($"/api/v1/alerts/{theirAlert}/archive", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync($"/api/v1/alerts/{theirAlert}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/api/v1/webhooks")).StatusCode);
        var ingest = await _api.ClientWithKeyAsync(ApiKeyRole.Ingest);
        Assert.Equal(HttpStatusCode.Forbidden, (await ingest.GetAsync("/api/v1/alerts")).StatusCode);

        var scoped = await _api.ClientWithKeyAsync(ApiKeyRole.Admin, mine);
        var own = await scoped.PostAsJsonAsync("/api/v1/alerts", alertBody(mine));
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.PostAsJsonAsync("/api/v1/alerts", alertBody(theirs))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/alerts/{theirAlert}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/customer-alerts?client_id={theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync("/api/v1/webhooks")).StatusCode);
        var states = (await JsonAsync(await scoped.GetAsync("/api/v1/customer-alerts"))).EnumerateArray().ToList();
        Assert.NotEmpty(states);
        Assert.All(states, s => Assert.Equal(mine, s.GetProperty("client_id").GetInt32()));
        var ownId = (await JsonAsync(own)).GetProperty("id").GetInt32();
        var state = states.Single(s => s.GetProperty("alert_id").GetInt32() == ownId);
        Assert.Equal(("ok", 0m, 1000m), (state.GetProperty("status").GetString(), state.GetProperty("current_value").GetDecimal(),
            state.GetProperty("threshold").GetDecimal()));
    }

    [Fact]
    public async Task ArchivingStopsTheAlertAndAChangedLimitIsANewAlert()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var client = await ClientAsync(admin);
        var old = (await JsonAsync(await admin.PostAsJsonAsync("/api/v1/alerts",
            new { alert_type = "spend_threshold_reached", name = "SOFT spend threshold", threshold = 5000, client_id = client }))).GetProperty("id").GetInt32();
        var archived = await JsonAsync(await admin.PostAsync($"/api/v1/alerts/{old}/archive", null));
        Assert.True(archived.GetProperty("archived").GetBoolean());
        var replacement = await JsonAsync(await admin.PostAsJsonAsync("/api/v1/alerts",
            new { alert_type = "spend_threshold_reached", name = "SOFT spend threshold", threshold = 6000, client_id = client, severity = "soft" }));

        var active = (await JsonAsync(await admin.GetAsync($"/api/v1/alerts?client_id={client}"))).GetProperty("items").EnumerateArray()
            .Where(a => a.GetProperty("client_id").ValueKind != JsonValueKind.Null).Select(a => a.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(new[] { replacement.GetProperty("id").GetInt32() }, active);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/customer-alerts/{old}?client_id={client}")).StatusCode);
        Assert.Equal(new[] { "email", "webhook" }, replacement.GetProperty("channels").EnumerateArray().Select(c => c.GetString()));
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, bool ok = true)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (ok) Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
