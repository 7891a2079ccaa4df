using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class UsageReadingConfiguration : IEntityTypeConfiguration<UsageReading>
{
    public void Configure(EntityTypeBuilder<UsageReading> b)
    {
        b.ToTable("usage_readings");
        b.Property(x => x.EventId).HasMaxLength(200);
        b.HasIndex(x => x.EventId).IsUnique();
        // Per-asset range reads (asset detail, late-data checks); billing reads rollups instead.
        b.HasIndex(x => new { x.AssetId, x.UnitTypeId, x.TimestampMs });
        b.HasOne<Asset>().WithMany().HasForeignKey(x => x.AssetId).OnDelete(DeleteBehavior.Restrict);
        b.HasOne<UnitType>().WithMany().HasForeignKey(x => x.UnitTypeId).OnDelete(DeleteBehavior.Restrict);
        b.Property(x => x.SentBy).HasMaxLength(200);
    }
}
