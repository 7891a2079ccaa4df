namespace MeteringConsole.Features.Health;

public static class HealthRegistration
{
    public static IServiceCollection AddHealth(this IServiceCollection services) => services.AddScoped<HealthService>();

    public static RouteGroupBuilder MapHealthEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/health", async (HealthService health, CancellationToken ct) =>
        {
            var report = await health.CheckAsync(ct);
            return Results.Json(report, statusCode: report.Database ? 200 : 503);
        }).AllowAnonymous().WithTags("Health");
        return api;
    }
}
