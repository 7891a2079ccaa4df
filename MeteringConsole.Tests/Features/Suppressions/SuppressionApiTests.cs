using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MeteringConsole.Domain;
using MeteringConsole.Tests.Infrastructure;

namespace MeteringConsole.Tests.Features.Suppressions;

public sealed class SuppressionApiTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _api;

    public SuppressionApiTests(ApiFactory api) => _api = api;

    [Fact]
    public async Task WithoutAKeyTheAnswerIs401()
    {
        var http = _api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/suppressions")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/v1/suppressions", new { pattern = "x", type = "exact" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.DeleteAsync("/api/v1/suppressions/1")).StatusCode);
    }

    [Fact]
    public async Task ReadOnlyKeyMayListButNotCreateOrDelete()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var created = await ReadAsync(await admin.PostAsJsonAsync("/api/v1/suppressions", new { pattern = "ro-" + Guid.NewGuid().ToString("N"), type = "exact" }));
        var readOnly = await _api.ClientWithKeyAsync(ApiKeyRole.ReadOnly);

        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/api/v1/suppressions")).StatusCode);
        var post = await readOnly.PostAsJsonAsync("/api/v1/suppressions", new { pattern = "nope", type = "exact" });
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal("application/problem+json", post.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.DeleteAsync($"/api/v1/suppressions/{created.GetProperty("id").GetInt32()}")).StatusCode);
    }

    [Fact]
    public async Task PostAnswers201WithLocationAndSnakeCaseFieldsThenDeleteAnswers204()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/suppressions", new { pattern = "^scratch-\\d+$", type = "regex", reason = "Scratch VMs" });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await ReadAsync(response);
        var id = body.GetProperty("id").GetInt32();
        Assert.Equal($"/api/v1/suppressions/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal(("^scratch-\\d+$", "regex", "Scratch VMs"),
            (body.GetProperty("pattern").GetString(), body.GetProperty("type").GetString(), body.GetProperty("reason").GetString()));
        Assert.Equal(0, body.GetProperty("hit_count").GetInt64());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("last_hit_at").ValueKind);
        Assert.True(body.TryGetProperty("created_at", out _));

        var list = await ReadAsync(await admin.GetAsync("/api/v1/suppressions?type=regex"));
        Assert.Contains(list.GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetInt32() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/suppressions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"/api/v1/suppressions/{id}")).StatusCode);
    }

    [Theory]
    [InlineData("(unclosed", "regex", "pattern")]
    [InlineData("vm-[0-9]", "glob", "pattern")]
    [InlineData("vm-1", "fuzzy", "type")]
    [InlineData("^(vm)-\\1$", "regex", "pattern")]
    [InlineData("^(?=vm).*-x$", "regex", "pattern")]
    public async Task BadBodyIs400ProblemWithFieldErrors(string pattern, string type, string field)
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.PostAsJsonAsync("/api/v1/suppressions", new { pattern, type });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await ReadAsync(response)).GetProperty("errors");
        Assert.Equal(new[] { field }, errors.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task UnknownTypeFilterIs400()
    {
        var admin = await _api.ClientWithKeyAsync(ApiKeyRole.Admin);
        var response = await admin.GetAsync("/api/v1/suppressions?type=fuzzy");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await ReadAsync(response)).GetProperty("errors").TryGetProperty("type", out _));
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
        => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
