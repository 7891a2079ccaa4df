using MeteringConsole.Common;
using MeteringConsole.Features.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Mvc;

namespace MeteringConsole.Api;

/// <summary>
/// Global settings and whole-estate actions (unit types, suppressions, the audit log, billing runs
/// and finalize, projection runs, creating and deleting clients) act on every client, so a key
/// scoped to one client may not touch them, whatever its role: 403 before the body is read. The
/// key's role is still checked by the feature's service.
/// </summary>
public static class UnscopedKey
{
    public const string PolicyName = "UnscopedApiKey";

    public const string Refusal = "This API key is scoped to one client; this endpoint acts on every client and needs an unscoped key.";

    /// <summary>Refuses client-scoped keys on these endpoints (one line per endpoint or group).</summary>
    public static TBuilder RequireUnscopedKey<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder
        => endpoints.RequireAuthorization(PolicyName);

    internal static IServiceCollection AddUnscopedKeyPolicy(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, Handler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemResultHandler>();
        return services.AddAuthorization(o => o.AddPolicy(PolicyName, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .AddRequirements(new Requirement())));
    }

    private sealed class Requirement : IAuthorizationRequirement;

    private sealed class Handler : AuthorizationHandler<Requirement>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, Requirement requirement)
        {
            if (context.User.FindFirst(ActorClaims.ClientScope) is null) context.Succeed(requirement);
            else context.Fail(new AuthorizationFailureReason(this, Refusal));
            return Task.CompletedTask;
        }
    }

    /// <summary>Answers this policy's refusal as problem+json with its reason; everything else as usual.</summary>
    private sealed class ProblemResultHandler : IAuthorizationMiddlewareResultHandler
    {
        private readonly AuthorizationMiddlewareResultHandler _default = new();

        public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult result)
        {
            var reason = result.AuthorizationFailure?.FailureReasons.FirstOrDefault(r => r.Handler is Handler);
            if (!result.Forbidden || reason is null)
            {
                await _default.HandleAsync(next, context, policy, result);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new ProblemDetails { Status = 403, Title = "Forbidden.", Detail = reason.Message },
            });
        }
    }
}
