namespace MeteringConsole.Features.Usage;

public static class UsageRegistration
{
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddScoped<IngestService>();
        services.AddScoped<UsageReadService>();
        return services;
    }
}
