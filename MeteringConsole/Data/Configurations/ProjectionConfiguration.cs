using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class ProjectionConfiguration : IEntityTypeConfiguration<Projection>
{
    public void Configure(EntityTypeBuilder<Projection> b)
    {
        b.ToTable("projections");
        b.HasIndex(x => new { x.PeriodStart, x.BucketId }).IsUnique();
        b.HasIndex(x => x.ClientId);
        b.HasOne(x => x.Bucket).WithMany().HasForeignKey(x => x.BucketId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
    }
}
