using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Api;

public sealed class ClientApiTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task RequestWithoutKeyIs401ProblemJson()
    {
        var response = await _factory.CreateClient().GetAsync("/api/v1/clients");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task UnknownOrDisabledKeyIs401()
    {
        var http = _factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new("Bearer", "mck_notarealkeynotarealkeynotarealkey");
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task ReadOnlyKeyReadsButCannotWrite()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.ReadOnly);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/clients")).StatusCode);

        var response = await http.PostAsJsonAsync("/api/v1/clients", new { name = "Nope" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountClientsAsync());
    }

    [Fact]
    public async Task IngestKeyCannotReadClients()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Ingest);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync("/api/v1/clients")).StatusCode);
    }

    [Fact]
    public async Task AdminKeyCreatesReadsUpdatesAndDeletesWithSnakeCaseFields()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await http.PostAsJsonAsync("/api/v1/clients", new { name = "Acme", alert_emails = new[] { "ops@acme.test" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal("ops@acme.test", body.GetProperty("alert_emails")[0].GetString());
        Assert.True(body.GetProperty("enabled").GetBoolean());
        Assert.True(body.TryGetProperty("created_at", out _));
        Assert.Equal($"/api/v1/clients/{id}", created.Headers.Location?.OriginalString);

        var updated = await http.PutAsJsonAsync($"/api/v1/clients/{id}", new { name = "Acme Inc", enabled = false });
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var fetched = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{id}");
        Assert.Equal("Acme Inc", fetched.GetProperty("name").GetString());
        Assert.False(fetched.GetProperty("enabled").GetBoolean());

        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/clients/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/v1/clients/{id}")).StatusCode);
    }

    [Fact]
    public async Task InvalidBodyIs400WithFieldErrorsAndNothingStored()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await http.PostAsJsonAsync("/api/v1/clients", new { name = "", alert_emails = new[] { "nope" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("alert_emails", out _));
        Assert.Equal(0, await CountClientsAsync());
    }

    [Fact]
    public async Task MalformedJsonIs400ProblemJson()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await http.PostAsync("/api/v1/clients", new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task WrongJsonTypeIs400NamingTheField()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await http.PostAsync("/api/v1/clients", new StringContent("{\"name\": \"Acme\", \"enabled\": \"yes\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("enabled", out _));
        Assert.Equal(0, await CountClientsAsync());
    }

    [Fact]
    public async Task PutKeepsTheFieldsItsBodyLeavesOut()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await http.PostAsJsonAsync("/api/v1/clients", new { name = "Dormant", enabled = false, alert_emails = new[] { "ops@dormant.test" } });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var renamed = await http.PutAsJsonAsync($"/api/v1/clients/{id}", new { name = "Dormant Ltd" });

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var body = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{id}");
        Assert.Equal("Dormant Ltd", body.GetProperty("name").GetString());
        Assert.False(body.GetProperty("enabled").GetBoolean());
        Assert.Equal(new[] { "ops@dormant.test" }, body.GetProperty("alert_emails").EnumerateArray().Select(e => e.GetString()));

        // Fields that are sent still change, and an empty list clears the emails.
        await http.PutAsJsonAsync($"/api/v1/clients/{id}", new { enabled = true, alert_emails = Array.Empty<string>() });
        body = await http.GetFromJsonAsync<JsonElement>($"/api/v1/clients/{id}");
        Assert.Equal("Dormant Ltd", body.GetProperty("name").GetString());
        Assert.True(body.GetProperty("enabled").GetBoolean());
        Assert.Empty(body.GetProperty("alert_emails").EnumerateArray());
    }

    [Fact]
    public async Task DuplicateNameIs409()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        await http.PostAsJsonAsync("/api/v1/clients", new { name = "Globex" });
        var response = await http.PostAsJsonAsync("/api/v1/clients", new { name = "globex" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task ClientScopedKeySeesOnlyItsClient()
    {
        var admin = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var mine = (await (await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Mine" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        var other = (await (await admin.PostAsJsonAsync("/api/v1/clients", new { name = "Other" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();

        var scoped = await _factory.ClientWithKeyAsync(ApiKeyRole.ReadOnly, mine);
        var list = await scoped.GetFromJsonAsync<JsonElement>("/api/v1/clients");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
        Assert.Equal("Mine", list.GetProperty("items")[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await scoped.GetAsync($"/api/v1/clients/{other}")).StatusCode);
    }

    [Fact]
    public async Task ChangesThroughTheApiAreAuditedWithTheKeyAsActor()
    {
        var http = await _factory.ClientWithKeyAsync(ApiKeyRole.Admin);
        var id = (await (await http.PostAsJsonAsync("/api/v1/clients", new { name = "Audited" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        await http.PutAsJsonAsync($"/api/v1/clients/{id}", new { name = "Audited Ltd" });

        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MeteringConsole.Data.AppDbContext>();
        var entries = await db.AuditEntries.Where(a => a.Table == "clients").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(new[] { "Insert", "Update" }, entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.StartsWith("apikey:", e.Actor));
        Assert.All(entries, e => Assert.NotNull(e.ApiKeyId));
        Assert.Equal("{\"name\":\"Audited\"}", entries[1].OldValues);
        Assert.Equal("{\"name\":\"Audited Ltd\"}", entries[1].NewValues);
    }

    [Fact]
    public async Task HealthIsAnonymousAndReportsTheDatabase()
    {
        var health = await _factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());
        Assert.True(health.GetProperty("database").GetBoolean());
        Assert.Equal(JsonValueKind.Null, health.GetProperty("last_billing_run").ValueKind);
    }

    [Fact]
    public async Task OpenApiDocumentDescribesTheEndpoints()
    {
        var doc = await _factory.CreateClient().GetFromJsonAsync<JsonElement>("/api/v1/openapi.json");
        var paths = doc.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/clients", out _));
        Assert.True(paths.TryGetProperty("/api/v1/clients/{id}", out _));
        Assert.True(paths.TryGetProperty("/api/v1/health", out _));
    }

    private async Task<int> CountClientsAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MeteringConsole.Data.AppDbContext>().Clients.CountAsync();
    }
}
