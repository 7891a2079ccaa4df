namespace MeteringConsole.Features.Dashboard;

public static class DashboardRegistration
{
    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddScoped<DashboardService>();
}
