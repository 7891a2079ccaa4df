using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_entries");
        b.Property(x => x.Action).HasMaxLength(10);
        b.Property(x => x.Table).HasMaxLength(100);
        b.Property(x => x.RecordId).HasMaxLength(100);
        b.Property(x => x.Actor).HasMaxLength(200);
        b.HasIndex(x => x.CreatedAt);
        b.HasIndex(x => new { x.Table, x.CreatedAt });
    }
}
