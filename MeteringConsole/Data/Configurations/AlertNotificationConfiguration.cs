using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class AlertNotificationConfiguration : IEntityTypeConfiguration<AlertNotification>
{
    public void Configure(EntityTypeBuilder<AlertNotification> b)
    {
        b.ToTable("alert_notifications");
        b.Property(x => x.MessageId).HasMaxLength(40);
        b.HasIndex(x => x.MessageId).IsUnique();
        // One crossing, one row: the evaluator's conditional update ok → in_alarm decides, not this index.
        b.HasIndex(x => new { x.AlertId, x.ClientId, x.TriggeredAt });
        b.HasOne<Alert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
    }
}
