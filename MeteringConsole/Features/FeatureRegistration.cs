using MeteringConsole.Api;
using MeteringConsole.Features.Account;
using MeteringConsole.Features.Alerts;
using MeteringConsole.Features.ApiKeys;
using MeteringConsole.Features.Assets;
using MeteringConsole.Features.Audit;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Clients;
using MeteringConsole.Features.Dashboard;
using MeteringConsole.Features.Health;
using MeteringConsole.Features.Jobs;
using MeteringConsole.Features.Monitors;
using MeteringConsole.Features.OverUnder;
using MeteringConsole.Features.Projections;
using MeteringConsole.Features.Suppressions;
using MeteringConsole.Features.UnitTypes;
using MeteringConsole.Features.Usage;

namespace MeteringConsole.Features;

/// <summary>Each feature registers its services and maps its endpoints here, in one place.</summary>
public static class FeatureRegistration
{
    public static IServiceCollection AddFeatures(this IServiceCollection services)
        => services
            .AddAccount()
            .AddApiKeys()
            .AddHealth()
            .AddClients()
            .AddAssets()
            .AddUnitTypes()
            .AddSuppressions()
            .AddAudit()
            .AddUsage()
            .AddBilling()
            .AddOverUnder()
            .AddAlerts()
            .AddMonitors()
            .AddDashboard();

    public static WebApplication MapFeatureEndpoints(this WebApplication app)
    {
        app.MapAccount();
        app.MapJobsDashboard();
        app.MapApiGroup()
            .MapHealthEndpoints()
            .MapClientEndpoints()
            .MapUnitTypeEndpoints()
            .MapSuppressionEndpoints()
            .MapAuditEndpoints()
            .MapUsageEndpoints()
            .MapBillingEndpoints()
            .MapProjectionEndpoints()
            .MapOverUnderEndpoints()
            .MapAlertEndpoints()
            .MapMonitorEndpoints();
        return app;
    }
}
