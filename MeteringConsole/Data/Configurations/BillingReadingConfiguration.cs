using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class BillingReadingConfiguration : IEntityTypeConfiguration<BillingReading>
{
    public void Configure(EntityTypeBuilder<BillingReading> b)
    {
        b.ToTable("billing_readings");
        // One line per bucket and period: a re-run replaces it.
        b.HasIndex(x => new { x.PeriodStart, x.BucketId }).IsUnique();
        b.HasIndex(x => new { x.ClientId, x.PeriodStart });
        b.Property(x => x.BucketName).HasMaxLength(200);
        b.Property(x => x.SourceType).HasMaxLength(100);
        b.Property(x => x.UnitType).HasMaxLength(100);
        b.Property(x => x.Aggregation).HasConversion<string>().HasMaxLength(10);
        b.HasOne<BillingRun>().WithMany().HasForeignKey(x => x.BillingRunId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Bucket).WithMany().HasForeignKey(x => x.BucketId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.Client).WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
    }
}
