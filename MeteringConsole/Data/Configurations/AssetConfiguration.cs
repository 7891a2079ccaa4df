using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class AssetConfiguration : IEntityTypeConfiguration<Asset>
{
    public void Configure(EntityTypeBuilder<Asset> b)
    {
        b.ToTable("assets");
        b.Property(x => x.ExternalId).HasMaxLength(200);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(1000);
        b.HasIndex(x => new { x.SourceTypeId, x.ExternalId }).IsUnique();
        b.HasIndex(x => x.ClientId);
        b.HasOne(x => x.SourceType).WithMany().HasForeignKey(x => x.SourceTypeId).OnDelete(DeleteBehavior.Restrict);
        // Deleting a client leaves its assets unassigned rather than losing their history.
        b.HasOne(x => x.Client).WithMany(c => c.Assets).HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.SetNull);
    }
}
