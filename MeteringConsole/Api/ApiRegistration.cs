using System.Text.Json;
using System.Text.Json.Serialization;
using MeteringConsole.Features.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;

namespace MeteringConsole.Api;

/// <summary>The HTTP API's shared parts: key authentication, JSON shape, errors, OpenAPI.</summary>
public static class ApiRegistration
{
    public const string Prefix = "/api/v1";

    public static IServiceCollection AddApi(this IServiceCollection services)
    {
        services.AddAuthentication()
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, _ => { });
        services.AddAuthorization(o => o.AddPolicy(ApiKeyAuthenticationHandler.SchemeName, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()));
        services.AddUnscopedKeyPolicy();
        services.Configure<JsonOptions>(o => Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "MeteringConsole API";
            doc.Info.Description = "Usage ingest, registries and billing. Authenticate with `Authorization: Bearer <api key>`.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static void Configure(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    /// <summary>The authenticated /api/v1 group that every feature maps its endpoints on.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(Prefix + "/openapi.json").AllowAnonymous();
        return app.MapGroup(Prefix)
            .RequireAuthorization(ApiKeyAuthenticationHandler.SchemeName)
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
    }
}
