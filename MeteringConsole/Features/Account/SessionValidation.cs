using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;

namespace MeteringConsole.Features.Account;

/// <summary>
/// Checks the session cookie's security stamp against the account on every request, not every
/// 30 minutes as Identity does by default: signing out (or a password or role change) renews the
/// stamp, so a cookie copied before is refused at once. One indexed read per request.
/// </summary>
public sealed class StampCheckedOnEveryRequest : ISecurityStampValidator
{
    private readonly SignInManager<AppUser> _signIn;

    public StampCheckedOnEveryRequest(SignInManager<AppUser> signIn) => _signIn = signIn;

    public async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is null || await _signIn.ValidateSecurityStampAsync(context.Principal) is not null) return;
        context.RejectPrincipal();
        await _signIn.SignOutAsync();
    }
}

/// <summary>
/// An open console tab (a Blazor circuit) re-checks its user's stamp every minute, so signing out
/// elsewhere ends it too, not only new requests.
/// </summary>
public sealed class StampRevalidatingAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private readonly IServiceScopeFactory _scopes;

    public StampRevalidatingAuthenticationStateProvider(ILoggerFactory logs, IServiceScopeFactory scopes) : base(logs) => _scopes = scopes;

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        await using var scope = _scopes.CreateAsyncScope();
        return await ValidateAsync(scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), state.User);
    }

    private static async Task<bool> ValidateAsync(UserManager<AppUser> users, ClaimsPrincipal principal)
    {
        if (await users.GetUserAsync(principal) is not { } user) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        var stamp = principal.FindFirstValue(new IdentityOptions().ClaimsIdentity.SecurityStampClaimType);
        return stamp == await users.GetSecurityStampAsync(user);
    }
}
