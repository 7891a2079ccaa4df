using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class BucketAssetConfiguration : IEntityTypeConfiguration<BucketAsset>
{
    public void Configure(EntityTypeBuilder<BucketAsset> b)
    {
        b.ToTable("bucket_assets");
        b.HasKey(x => new { x.BucketId, x.AssetId });
        b.HasIndex(x => x.AssetId);
        b.HasOne(x => x.Bucket).WithMany(x => x.Assets).HasForeignKey(x => x.BucketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Asset).WithMany(x => x.Bindings).HasForeignKey(x => x.AssetId).OnDelete(DeleteBehavior.Cascade);
    }
}
