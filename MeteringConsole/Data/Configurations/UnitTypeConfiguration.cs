using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class UnitTypeConfiguration : IEntityTypeConfiguration<UnitType>
{
    public void Configure(EntityTypeBuilder<UnitType> b)
    {
        b.ToTable("unit_types");
        b.Property(x => x.Name).HasMaxLength(100).UseCollation(SqliteCollation.NoCase);
        b.HasIndex(x => x.Name).IsUnique();
        b.Property(x => x.Description).HasMaxLength(1000);
        b.Property(x => x.Aggregation).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.FilterPattern).HasMaxLength(200);
    }
}
