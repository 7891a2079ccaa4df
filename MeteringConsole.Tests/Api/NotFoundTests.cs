using System.Net;

namespace MeteringConsole.Tests.Api;

public sealed class NotFoundTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _factory;

    public NotFoundTests(ApiFactory factory) => _factory = factory;

    [Fact]
    public async Task UnknownPageShowsTheConsolesNotFoundPage()
    {
        var response = await _factory.CreateClient().GetAsync("/no-such-page");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", html);
        Assert.Contains("MeteringConsole", html);
    }

    [Fact]
    public async Task UnknownApiPathStaysProblemJson()
    {
        var response = await _factory.CreateClient().GetAsync("/api/v1/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
