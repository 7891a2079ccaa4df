using System.Net.Http.Headers;
using MeteringConsole.Common;
using MeteringConsole.Domain;
using MeteringConsole.Features.ApiKeys;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace MeteringConsole.Tests.Infrastructure;

/// <summary>The whole web app in memory over a temporary database, for HTTP tests.</summary>
public sealed class ApiFactory : WebApplicationFactory<MeteringConsole.Program>
{
    public TempDatabase Database { get; } = new();

    /// <summary>Configuration for this host only (e.g. <c>Jobs:Enabled</c>), read when the host is built.</summary>
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>The app's clock, pinned to <see cref="TestClock.Now"/>; a test may move it.</summary>
    public FakeTimeProvider Clock { get; } = new(TestClock.Now);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in Database.Settings) builder.UseSetting(key, value);
        builder.UseSetting("Database:SeedFromSample", "false");
        // Hangfire's storage file sits beside this host's database, so every host has its own (pitfall 9).
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }

    /// <summary>Creates a key through the real service and returns a client that sends it.</summary>
    public async Task<HttpClient> ClientWithKeyAsync(ApiKeyRole role, int? clientScope = null)
    {
        var secret = await CreateKeyAsync(role, clientScope);
        var http = CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return http;
    }

    public async Task<string> CreateKeyAsync(ApiKeyRole role, int? clientScope = null)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
            .CreateAsync(new ApiKeyInput($"{role} key {Guid.NewGuid():N}"[..20], role, clientScope));
        return created.Secret;
    }

    /// <summary>Runs a service call as the system actor, for test setup.</summary>
    public async Task<T> AsSystemAsync<TService, T>(Func<TService, Task<T>> call) where TService : notnull
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
        return await call(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Database.Dispose();
    }
}
