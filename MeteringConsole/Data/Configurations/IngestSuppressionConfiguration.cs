using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class IngestSuppressionConfiguration : IEntityTypeConfiguration<IngestSuppression>
{
    public void Configure(EntityTypeBuilder<IngestSuppression> b)
    {
        b.ToTable("ingest_suppressions");
        b.Property(x => x.Pattern).HasMaxLength(500);
        b.Property(x => x.Type).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Reason).HasMaxLength(500);
    }
}
