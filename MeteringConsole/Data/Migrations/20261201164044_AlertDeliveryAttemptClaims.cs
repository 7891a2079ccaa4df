using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MeteringConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class AlertDeliveryAttemptClaims : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alert_delivery_attempts_notification_id",
                table: "alert_delivery_attempts");

            migrationBuilder.CreateIndex(
                name: "ix_alert_delivery_attempts_attempt",
                table: "alert_delivery_attempts",
                columns: new[] { "notification_id", "channel", "webhook_endpoint_id", "attempt" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_alert_delivery_attempts_email_attempt",
                table: "alert_delivery_attempts",
                columns: new[] { "notification_id", "attempt" },
                unique: true,
                filter: "channel = 'Email'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alert_delivery_attempts_attempt",
                table: "alert_delivery_attempts");

            migrationBuilder.DropIndex(
                name: "ix_alert_delivery_attempts_email_attempt",
                table: "alert_delivery_attempts");

            migrationBuilder.CreateIndex(
                name: "ix_alert_delivery_attempts_notification_id",
                table: "alert_delivery_attempts",
                column: "notification_id");
        }
    }
}
