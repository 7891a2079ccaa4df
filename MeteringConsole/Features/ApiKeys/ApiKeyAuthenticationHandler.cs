using System.Security.Claims;
using System.Text.Encodings.Web;
using MeteringConsole.Common;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace MeteringConsole.Features.ApiKeys;

public sealed class ApiKeyAuthenticationOptions : AuthenticationSchemeOptions { }

/// <summary><c>Authorization: Bearer &lt;api key&gt;</c>; 401 and 403 answered as problem+json.</summary>
public sealed class ApiKeyAuthenticationHandler : AuthenticationHandler<ApiKeyAuthenticationOptions>
{
    public const string SchemeName = "ApiKey";

    private readonly ApiKeyService _keys;
    private readonly IProblemDetailsService _problems;

    public ApiKeyAuthenticationHandler(IOptionsMonitor<ApiKeyAuthenticationOptions> options, ILoggerFactory logger,
        UrlEncoder encoder, ApiKeyService keys, IProblemDetailsService problems)
        : base(options, logger, encoder)
    {
        _keys = keys;
        _problems = problems;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header)) return AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail("Use the Bearer scheme.");
        var key = await _keys.ValidateAsync(header["Bearer ".Length..].Trim());
        if (key is null) return AuthenticateResult.Fail("The API key is unknown or disabled.");

        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, key.Name),
            new(ClaimTypes.Role, key.Role.ToString()),
            new(ActorClaims.ApiKeyId, key.Id.ToString()),
        };
        if (key.ClientId is int client) claims.Add(new Claim(ActorClaims.ClientScope, client.ToString()));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
        => WriteProblem(401, "Authentication required.", "Send a valid, enabled API key as 'Authorization: Bearer <key>'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
        => WriteProblem(403, "Forbidden.", "This API key's role does not allow this call.");

    private async Task WriteProblem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        if (status == 401) Response.Headers.WWWAuthenticate = "Bearer";
        await _problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
