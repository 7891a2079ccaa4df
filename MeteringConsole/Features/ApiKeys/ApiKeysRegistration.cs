namespace MeteringConsole.Features.ApiKeys;

public static class ApiKeysRegistration
{
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyUsageRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyUsageRecorder>());
        return services.AddScoped<ApiKeyService>();
    }
}
