using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class MonitorConfiguration : IEntityTypeConfiguration<Domain.Monitor>
{
    public void Configure(EntityTypeBuilder<Domain.Monitor> b)
    {
        b.ToTable("monitors");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(1000);
        b.Property(x => x.Source).HasConversion<string>().HasMaxLength(20);
        b.Property(x => x.Item).HasMaxLength(100);
        b.Property(x => x.Aggregation).HasConversion<string>().HasMaxLength(10);
        b.HasOne(x => x.UnitType).WithMany().HasForeignKey(x => x.UnitTypeId).OnDelete(DeleteBehavior.Restrict);
        // Only a never-billed bucket can be deleted; a monitor of it has nothing left to watch and goes with it.
        b.HasOne(x => x.Bucket).WithMany().HasForeignKey(x => x.BucketId).OnDelete(DeleteBehavior.Cascade);
    }
}
