using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MeteringConsole.Features.Usage;

public static class UsageRegistration
{
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IngestWriteGate>();
        services.AddScoped<IngestService>();
        services.AddScoped<UsageReadService>();
        return services;
    }
}
