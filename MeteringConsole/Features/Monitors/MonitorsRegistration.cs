namespace MeteringConsole.Features.Monitors;

public static class MonitorsRegistration
{
    /// <summary>Monitors and their daily values.</summary>
    public static IServiceCollection AddMonitors(this IServiceCollection services)
        => services.AddScoped<MonitorService>().AddScoped<MonitorValues>();
}
