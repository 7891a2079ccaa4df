using MeteringConsole.Common;
using MeteringConsole.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeteringConsole.Features.Account;

public static class AccountRegistration
{
    public const string LoginPath = "/account/login";

    public static IServiceCollection AddAccount(this IServiceCollection services)
    {
        services.AddIdentity<AppUser, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // Length over composition rules (NIST SP 800-63B).
                o.Password.RequiredLength = 10;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = LoginPath;
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "metering.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the request came over HTTPS (directly, or through a proxy that says so
            // with X-Forwarded-Proto: see ForwardedHeaders below and the README's "Behind TLS").
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.SlidingExpiration = true;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        // Sign-out ends the session: the cookie's stamp is checked on every request and every minute in an open tab.
        services.Replace(ServiceDescriptor.Scoped<ISecurityStampValidator, StampCheckedOnEveryRequest>());
        services.AddScoped<AuthenticationStateProvider, StampRevalidatingAuthenticationStateProvider>();
        // A reverse proxy on this machine that terminates TLS says so in X-Forwarded-Proto: the
        // request then counts as HTTPS (secure cookie, HSTS). Only loopback proxies are believed.
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        services.AddSharedKeyRing();
        services.AddCascadingAuthenticationState();
        services.AddScoped<UserService>();
        services.AddScoped<SignInService>();
        return services;
    }

    public static IEndpointRouteBuilder MapAccount(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (SignInService signIn, HttpContext http) =>
        {
            await signIn.SignOutAsync(http.User);
            return Results.LocalRedirect(LoginPath);
        }).RequireAuthorization().ExcludeFromDescription();
        return app;
    }
}
