using MeteringConsole.Common;
using MeteringConsole.Features.Account;
using MeteringConsole.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MeteringConsole.Tests.Features.Account;

public sealed class SignInTests : IAsyncLifetime
{
    private readonly ApiFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task FiveWrongPasswordsLockTheAccountEvenAgainstTheRightOne()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CurrentActor>().Set(Actor.System("test"));
        var user = await scope.ServiceProvider.GetRequiredService<UserService>().AddAsync("lock@test.example", Roles.Viewer, "right-password-123");
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<AppUser>>();

        for (var i = 0; i < 4; i++)
            Assert.False((await signIn.CheckPasswordSignInAsync(user, "wrong-password", lockoutOnFailure: true)).IsLockedOut);
        Assert.True((await signIn.CheckPasswordSignInAsync(user, "wrong-password", lockoutOnFailure: true)).IsLockedOut);
        var withRightPassword = await signIn.CheckPasswordSignInAsync(user, "right-password-123", lockoutOnFailure: true);
        Assert.False(withRightPassword.Succeeded);
        Assert.True(withRightPassword.IsLockedOut);
    }

    [Fact]
    public async Task EveryConsolePageRedirectsToSignInWhenSignedOut()
    {
        var http = _factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        foreach (var path in new[] { "/", "/clients", "/assets", "/unit-types", "/suppressions", "/api-keys", "/audit", "/billing", "/usage/record" })
        {
            var response = await http.GetAsync(path);
            Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/account/login", response.Headers.Location!.PathAndQuery);
        }
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/account/login")).StatusCode);
    }
}
