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
        // One row per attempt and target: the row is the claim that lets exactly one job send it.
        // A deleted endpoint's rows keep a null endpoint and leave the webhook index (nulls differ).
        b.HasIndex(x => new { x.NotificationId, x.Channel, x.WebhookEndpointId, x.Attempt }).IsUnique()
            .HasDatabaseName("ix_alert_delivery_attempts_attempt");
        b.HasIndex(x => new { x.NotificationId, x.Attempt }).IsUnique().HasFilter("channel = 'Email'")
            .HasDatabaseName("ix_alert_delivery_attempts_email_attempt");
        b.HasOne<AlertNotification>().WithMany().HasForeignKey(x => x.NotificationId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.WebhookEndpointId).OnDelete(DeleteBehavior.SetNull);
    }
}
