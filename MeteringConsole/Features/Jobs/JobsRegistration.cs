using Hangfire;
using Hangfire.AspNetCore;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage.SQLite;
using MeteringConsole.Common;
using MeteringConsole.Data;
using MeteringConsole.Features.Billing;
using MeteringConsole.Features.Projections;
using MeteringConsole.Features.Provisioning;

namespace MeteringConsole.Features.Jobs;

public static class JobsRegistration
{
    public const string DashboardPath = "/hangfire";
    public const string DashboardPolicy = "hangfire-dashboard";

    /// <summary>
    /// Hangfire (storage, client, dashboard) and the three jobs. The server runs in <see cref="JobHost"/>,
    /// a hosted service: only a started host runs jobs, never the command line, service tests or
    /// the sample generator.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton(sp => JobSettings.From(sp.GetRequiredService<IConfiguration>()));
        // This host's own storage and activator, registered before AddHangfire so that its
        // process-wide JobStorage.Current and JobActivator.Current are never used (pitfall 9).
        services.AddSingleton(CreateStorage);
        services.AddSingleton<JobActivator>(sp => new AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(HangfireLogBridge.Instance));
        services.AddAuthorization(o => o.AddPolicy(DashboardPolicy, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin)));

        services.AddSingleton<JobScheduler>();
        services.AddSingleton<JobRecovery>();
        services.AddSingleton<JobHost>();
        services.AddHostedService(sp => sp.GetRequiredService<JobHost>());
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

    /// <summary>The Hangfire dashboard, for Admins: others are sent to sign in, or refused.</summary>
    public static IEndpointRouteBuilder MapJobsDashboard(this IEndpointRouteBuilder app)
    {
        app.MapHangfireDashboardWithAuthorizationPolicy(DashboardPolicy, DashboardPath, new DashboardOptions
        {
            DashboardTitle = "MeteringConsole jobs",
            AppPath = "/jobs",
            // The file path is nobody's business on a page.
            DisplayStorageConnectionString = false,
        });
        return app;
    }

    /// <summary>
    /// On PostgreSQL, Hangfire.PostgreSql in the app's database (schema <see cref="PostgreSqlSchema"/>), so that
    /// every console process on that database shares one schedule and one queue. On SQLite,
    /// Hangfire.Storage.SQLite in its own file beside the app database (so its locks never contend
    /// with ingest). Hangfire.InMemory for <c>Jobs:StorageFile=:memory:</c>.
    /// </summary>
    private static JobStorage CreateStorage(IServiceProvider sp)
    {
        var settings = sp.GetRequiredService<JobSettings>();
        if (!settings.PersistentStorage) return new InMemoryStorage();
        var database = sp.GetRequiredService<DatabaseOptions>();
        if (database.IsPostgreSql) return CreatePostgreSqlStorage(database);
        var path = settings.StoragePath(database.SqliteFile!);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new SQLiteStorage(path, new SQLiteStorageOptions
        {
            // On-demand runs start within a second rather than the default 15 s.
            QueuePollInterval = TimeSpan.FromSeconds(1),
        });
    }

    public const string PostgreSqlSchema = "hangfire";

    /// <summary>Any number, as long as nothing else in the database takes this advisory lock.</summary>
    private const long SchemaInstallLock = 0x4D43_4846; // "MCHF"

    private static PostgreSqlStorage CreatePostgreSqlStorage(DatabaseOptions database)
    {
        var options = new PostgreSqlStorageOptions
        {
            SchemaName = PostgreSqlSchema,
            QueuePollInterval = TimeSpan.FromSeconds(1),
            // A job a live server runs is never handed to another worker (its fetch is kept alive);
            // one whose server died comes back to the queue after the timeout.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
            // Installed below, once, under a lock: two consoles starting together would otherwise race.
            PrepareSchemaIfNecessary = false,
        };
        InstallSchema(database);
        // The connection-factory constructor: the string-connection ones are obsolete (STACK.md).
        // UseNpgsqlConnection is the same factory for GlobalConfiguration, which this app does not use (pitfall 9).
        return new PostgreSqlStorage(new NpgsqlConnectionFactory(database.ConnectionString, options), options);
    }

    /// <summary>
    /// Creates or upgrades Hangfire's schema. Its installer runs each script in a serializable transaction,
    /// which fails when a second process installs at the same moment; an advisory lock makes them take turns.
    /// </summary>
    private static void InstallSchema(DatabaseOptions database)
    {
        using var turn = SessionAdvisoryLock.Acquire(database, SchemaInstallLock);
        PostgreSqlObjectsInstaller.Install(turn.Connection, PostgreSqlSchema);
    }

    private static string Describe(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => $"{span.TotalSeconds:0} s",
        { TotalHours: < 1 } => $"{span.TotalMinutes:0} min",
        { Minutes: 0, Seconds: 0 } => $"{span.TotalHours:0} h",
        _ => span.ToString(@"h\:mm") + " h",
    };
}
