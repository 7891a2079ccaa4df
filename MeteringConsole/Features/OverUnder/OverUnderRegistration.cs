namespace MeteringConsole.Features.OverUnder;

public static class OverUnderRegistration
{
    public static IServiceCollection AddOverUnder(this IServiceCollection services) => services.AddScoped<OverUnderService>();
}
