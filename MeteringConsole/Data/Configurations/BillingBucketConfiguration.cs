using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class BillingBucketConfiguration : IEntityTypeConfiguration<BillingBucket>
{
    public void Configure(EntityTypeBuilder<BillingBucket> b)
    {
        b.ToTable("billing_buckets");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Aggregation).HasConversion<string>().HasMaxLength(10);
        b.HasIndex(x => x.ClientId);
        b.HasOne(x => x.Client).WithMany(c => c.Buckets).HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.SourceType).WithMany().HasForeignKey(x => x.SourceTypeId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne(x => x.UnitType).WithMany().HasForeignKey(x => x.UnitTypeId).OnDelete(DeleteBehavior.Restrict);
    }
}
