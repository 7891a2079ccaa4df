using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace MeteringConsole.Common;

/// <summary>Claim types that the API key scheme adds to its principal.</summary>
public static class ActorClaims
{
    public const string ApiKeyId = "mc:apikey_id";
    public const string ClientScope = "mc:client_scope";
}

/// <summary>
/// Resolves who is acting in the current scope: an HTTP request (cookie user or API key), a Blazor
/// circuit (its authentication state), or an explicit system actor for jobs and the command line.
/// Services ask it before every action, so roles hold even if a page forgets to hide a button.
/// </summary>
public sealed class CurrentActor
{
    private readonly IHttpContextAccessor _http;
    private readonly IServiceProvider _services;
    private Actor? _override;

    public CurrentActor(IHttpContextAccessor http, IServiceProvider services)
    {
        _http = http;
        _services = services;
    }

    /// <summary>Acts as the given actor for the rest of this scope (jobs, command line, tests).</summary>
    public void Set(Actor actor) => _override = actor;

    public async ValueTask<Actor> GetAsync()
    {
        if (_override is not null) return _override;
        var user = _http.HttpContext?.User;
        if (user?.Identity?.IsAuthenticated == true) return FromPrincipal(user);
        var state = _services.GetService<AuthenticationStateProvider>();
        if (state is null) return Actor.Anonymous;
        try
        {
            var auth = await state.GetAuthenticationStateAsync();
            return FromPrincipal(auth.User);
        }
        catch (InvalidOperationException)
        {
            // Outside a circuit the provider has no state: nobody is signed in here.
            return Actor.Anonymous;
        }
    }

    /// <summary>The actor, if allowed; otherwise a ForbiddenException naming what was refused.</summary>
    public async ValueTask<Actor> RequireAsync(Permission permission)
    {
        var actor = await GetAsync();
        if (!actor.Can(permission))
            throw new ForbiddenException(actor.Kind == ActorKind.Anonymous
                ? "Sign in first."
                : $"Your role ({actor.Role}) does not allow this action.");
        return actor;
    }

    public static Actor FromPrincipal(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true) return Actor.Anonymous;
        var name = user.Identity.Name ?? "?";
        var role = user.FindAll(ClaimTypes.Role).Select(c => c.Value)
            .OrderBy(r => r switch { Roles.Admin => 0, Roles.Operator or Roles.Ingest => 1, _ => 2 })
            .FirstOrDefault() ?? "";
        var keyId = user.FindFirst(ActorClaims.ApiKeyId)?.Value;
        if (keyId is not null)
        {
            var scope = user.FindFirst(ActorClaims.ClientScope)?.Value;
            return new Actor(ActorKind.ApiKey, name, role, ApiKeyId: int.Parse(keyId),
                ClientScope: scope is null ? null : int.Parse(scope));
        }
        return new Actor(ActorKind.User, name, role, UserId: user.FindFirst(ClaimTypes.NameIdentifier)?.Value);
    }
}
