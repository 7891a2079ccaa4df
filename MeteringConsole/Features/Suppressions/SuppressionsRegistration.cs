namespace MeteringConsole.Features.Suppressions;

public static class SuppressionsRegistration
{
    public static IServiceCollection AddSuppressions(this IServiceCollection services)
        => services.AddScoped<SuppressionService>();
}
