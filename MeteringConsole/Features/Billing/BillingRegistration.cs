using MeteringConsole.Features.Jobs;
using MeteringConsole.Features.Projections;
using MeteringConsole.Features.Provisioning;

namespace MeteringConsole.Features.Billing;

public static class BillingRegistration
{
    /// <summary>Buckets, billing runs and readings, export, projections, auto-provisioning and the jobs that run them.</summary>
    public static IServiceCollection AddBilling(this IServiceCollection services)
    {
        // One engine for the app: its semaphore is what keeps two runs in this process apart.
        services.AddSingleton<BillingEngine>();
        services.AddScoped<BucketService>()
            .AddScoped<BucketCardService>()
            .AddScoped<BillingRunService>()
            .AddScoped<BillingReadingService>()
            .AddScoped<BillingExport>()
            .AddScoped<ProjectionService>()
            .AddScoped<AutoProvisioner>();
        return services.AddJobs();
    }
}
