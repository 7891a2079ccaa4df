using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Projections;
using MeteringConsole.Features.Provisioning;

namespace MeteringConsole.Features.Jobs;

public static class JobsRegistration
{
    /// <summary>
    /// The scheduler (a hosted service: it runs only in a started host, never in the command line,
    /// service tests or the sample generator) and the three jobs it knows.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton(sp => JobSettings.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<JobScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobScheduler>());
        services.AddScoped<JobHistory>();
        services.AddScoped<JobService>();
        services.AddTransient<BillingJob>().AddTransient<ProjectionJob>().AddTransient<AutoProvisionJob>();
        services.AddSingleton(sp => new JobDefinition(JobNames.Billing, "Billing run",
            "Bills a period: usage of every enabled bucket, commit, overage and buffer, replacing the period's billing readings.",
            typeof(BillingJob), $"{Describe(sp.GetRequiredService<JobSettings>().BillingDelay)} after each period ends; on demand from Billing Readings",
            BillingJob.NextFireAsync));
        services.AddSingleton(sp => new JobDefinition(JobNames.Projections, "Projections",
            "Projects every enabled bucket's usage and cost to the end of the open period.",
            typeof(ProjectionJob), (sp.GetRequiredService<JobSettings>().ProjectionInterval is var every && every == TimeSpan.FromHours(1) ? "Hourly" : $"Every {Describe(every)}") + "; on demand",
            ProjectionJob.NextFireAsync));
        services.AddSingleton(sp => new JobDefinition(JobNames.AutoProvisioning, "Auto-provisioning",
            "Creates unreviewed buckets from unit type templates for clients with matching assets, and binds newly matching assets.",
            typeof(AutoProvisionJob), $"Nightly at {sp.GetRequiredService<JobSettings>().AutoProvisionAt:HH:mm} (billing time zone); on demand",
            AutoProvisionJob.NextFireAsync));
        return services;
    }

    private static string Describe(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => $"{span.TotalSeconds:0} s",
        { TotalHours: < 1 } => $"{span.TotalMinutes:0} min",
        { Minutes: 0, Seconds: 0 } => $"{span.TotalHours:0} h",
        _ => span.ToString(@"h\:mm") + " h",
    };
}
