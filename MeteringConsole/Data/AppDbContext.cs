using MeteringConsole.Domain;
using MeteringConsole.Features.Account;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace MeteringConsole.Data;

/// <summary>The one database: Identity, the whole metering domain and (on PostgreSQL) Data Protection's keys.</summary>
public class AppDbContext : IdentityDbContext<AppUser>, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>Changes captured by <see cref="AuditInterceptor"/> between saving and saved.</summary>
    internal PendingAudit? PendingAudit { get; set; }

    public DbSet<Client> Clients => Set<Client>();
    public DbSet<SourceType> SourceTypes => Set<SourceType>();
    public DbSet<Asset> Assets => Set<Asset>();
    public DbSet<UnitType> UnitTypes => Set<UnitType>();
    public DbSet<IngestSuppression> IngestSuppressions => Set<IngestSuppression>();
    public DbSet<UsageReading> UsageReadings => Set<UsageReading>();
    public DbSet<UsageDailyRollup> UsageDailyRollups => Set<UsageDailyRollup>();
    public DbSet<BillingBucket> BillingBuckets => Set<BillingBucket>();
    public DbSet<BucketAsset> BucketAssets => Set<BucketAsset>();
    public DbSet<BillingRun> BillingRuns => Set<BillingRun>();
    public DbSet<BillingReading> BillingReadings => Set<BillingReading>();
    public DbSet<BillingPeriod> BillingPeriods => Set<BillingPeriod>();
    public DbSet<Projection> Projections => Set<Projection>();
    public DbSet<JobRun> JobRuns => Set<JobRun>();
    public DbSet<Domain.Monitor> Monitors => Set<Domain.Monitor>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<AlertClientState> AlertClientStates => Set<AlertClientState>();
    public DbSet<AlertNotification> AlertNotifications => Set<AlertNotification>();
    public DbSet<AlertDeliveryAttempt> AlertDeliveryAttempts => Set<AlertDeliveryAttempt>();
    public DbSet<WebhookEndpoint> WebhookEndpoints => Set<WebhookEndpoint>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        SnakeCaseNaming.Apply(builder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // Money, rates and units are stored as integer millionths: exact, and summable in the
        // hand-written SQL of ingest and billing (SQLite itself has no decimal). Instants are UTC
        // DateTime: EF Core 10 on SQLite still cannot order or compare DateTimeOffset.
        builder.Properties<decimal>().HaveConversion<DecimalMicrosConverter>();
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
