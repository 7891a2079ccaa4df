using MeteringConsole.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MeteringConsole.Data.Configurations;

public class AlertDeliveryAttemptConfiguration : IEntityTypeConfiguration<AlertDeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<AlertDeliveryAttempt> b)
    {
        b.ToTable("alert_delivery_attempts");
        b.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
        b.Property(x => x.Target).HasMaxLength(2000);
        b.Property(x => x.Error).HasMaxLength(2000);
        b.HasIndex(x => x.NotificationId);
        b.HasOne<AlertNotification>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.WebhookEndpointId).OnDelete(DeleteBehavior.SetNull);
    }
}
