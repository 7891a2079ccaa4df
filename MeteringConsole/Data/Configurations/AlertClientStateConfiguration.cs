using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class AlertClientStateConfiguration : IEntityTypeConfiguration<AlertClientState>
{
    public void Configure(EntityTypeBuilder<AlertClientState> b)
    {
        b.ToTable("alert_client_states");
        // One row per (alert, client): the evaluator's INSERT … ON CONFLICT DO NOTHING relies on this key.
        b.HasKey(x => new { x.AlertId, x.ClientId });
        b.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
        b.HasIndex(x => new { x.ClientId, x.Status });
        b.HasOne(x => x.Alert).WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne(x => x.Client).WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
    }
}
