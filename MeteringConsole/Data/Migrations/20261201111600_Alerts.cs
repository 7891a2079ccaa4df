using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MeteringConsole.Data.Migrations
{
    /// <summary>
    /// Alerts (issue 10): the draft alert tables become the real ones, plus delivery attempts and
    /// webhook endpoints. The drafts were never written by any release (the Alerts page was a
    /// placeholder), so EF's renames of their columns carry no data. No hand-written SQL.
    /// </summary>
    public partial class Alerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_alert_notifications_alert_id_sent_at",
                table: "alert_notifications");

            migrationBuilder.DropIndex(
                name: "ix_alert_client_states_client_id",
                table: "alert_client_states");

            migrationBuilder.DropColumn(
                name: "webhook_url",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "channel",
                table: "alert_notifications");

            migrationBuilder.DropColumn(
                name: "target",
                table: "alert_notifications");

            migrationBuilder.DropColumn(
                name: "in_alarm",
                table: "alert_client_states");

            migrationBuilder.RenameColumn(
                name: "archived",
                table: "alerts",
                newName: "notify_webhook");

            migrationBuilder.RenameColumn(
                name: "success",
                table: "alert_notifications",
                newName: "value");

            migrationBuilder.RenameColumn(
                name: "sent_at",
                table: "alert_notifications",
                newName: "triggered_at");

            migrationBuilder.RenameColumn(
                name: "error",
                table: "alert_notifications",
                newName: "period_start");

            migrationBuilder.RenameColumn(
                name: "attempts",
                table: "alert_notifications",
                newName: "threshold");

            migrationBuilder.RenameColumn(
                name: "since",
                table: "alert_client_states",
                newName: "triggered_at");

            migrationBuilder.RenameColumn(
                name: "last_value",
                table: "alert_client_states",
                newName: "value");

            migrationBuilder.RenameColumn(
                name: "last_evaluated_at",
                table: "alert_client_states",
                newName: "evaluated_at");

            migrationBuilder.AddColumn<string>(
                name: "direction",
                table: "alerts",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "extra_recipients",
                table: "alerts",
                type: "TEXT",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "severity",
                table: "alerts",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "window",
                table: "alerts",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "message_id",
                table: "alert_notifications",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "changed_at",
                table: "alert_client_states",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<long>(
                name: "current_value",
                table: "alert_client_states",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "period_start",
                table: "alert_client_states",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "alert_client_states",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "webhook_endpoints",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    secret = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    disabled_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webhook_endpoints", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "alert_delivery_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    notification_id = table.Column<long>(type: "INTEGER", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    webhook_endpoint_id = table.Column<int>(type: "INTEGER", nullable: true),
                    target = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    attempted_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    success = table.Column<bool>(type: "INTEGER", nullable: false),
                    status_code = table.Column<int>(type: "INTEGER", nullable: true),
                    error = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    next_attempt_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alert_delivery_attempts", x => x.id);
                    table.ForeignKey(
                        name: "fk_alert_delivery_attempts_alert_notifications_notification_id",
                        column: x => x.notification_id,
                        principalTable: "alert_notifications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_alert_delivery_attempts_webhook_endpoints_webhook_endpoint_id",
                        column: x => x.webhook_endpoint_id,
                        principalTable: "webhook_endpoints",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_archived_at",
                table: "alerts",
                column: "archived_at");

            migrationBuilder.CreateIndex(
                name: "ix_alert_notifications_alert_id_client_id_triggered_at",
                table: "alert_notifications",
                columns: new[] { "alert_id", "client_id", "triggered_at" });

            migrationBuilder.CreateIndex(
                name: "ix_alert_notifications_message_id",
                table: "alert_notifications",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_alert_client_states_client_id_status",
                table: "alert_client_states",
                columns: new[] { "client_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_alert_delivery_attempts_notification_id",
                table: "alert_delivery_attempts",
                column: "notification_id");

            migrationBuilder.CreateIndex(
                name: "ix_alert_delivery_attempts_webhook_endpoint_id",
                table: "alert_delivery_attempts",
                column: "webhook_endpoint_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "alert_delivery_attempts");

            migrationBuilder.DropTable(
                name: "webhook_endpoints");

            migrationBuilder.DropIndex(
                name: "ix_alerts_archived_at",
                table: "alerts");

            migrationBuilder.DropIndex(
                name: "ix_alert_notifications_alert_id_client_id_triggered_at",
                table: "alert_notifications");

            migrationBuilder.DropIndex(
                name: "ix_alert_notifications_message_id",
                table: "alert_notifications");

            migrationBuilder.DropIndex(
                name: "ix_alert_client_states_client_id_status",
                table: "alert_client_states");

            migrationBuilder.DropColumn(
                name: "direction",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "extra_recipients",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "severity",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "window",
                table: "alerts");

            migrationBuilder.DropColumn(
                name: "message_id",
                table: "alert_notifications");

            migrationBuilder.DropColumn(
                name: "changed_at",
                table: "alert_client_states");

            migrationBuilder.DropColumn(
                name: "current_value",
                table: "alert_client_states");

            migrationBuilder.DropColumn(
                name: "period_start",
                table: "alert_client_states");

            migrationBuilder.DropColumn(
                name: "status",
                table: "alert_client_states");

            migrationBuilder.RenameColumn(
                name: "notify_webhook",
                table: "alerts",
                newName: "archived");

            migrationBuilder.RenameColumn(
                name: "value",
                table: "alert_notifications",
                newName: "success");

            migrationBuilder.RenameColumn(
                name: "triggered_at",
                table: "alert_notifications",
                newName: "sent_at");

            migrationBuilder.RenameColumn(
                name: "threshold",
                table: "alert_notifications",
                newName: "attempts");

            migrationBuilder.RenameColumn(
                name: "period_start",
                table: "alert_notifications",
                newName: "error");

            migrationBuilder.RenameColumn(
                name: "value",
                table: "alert_client_states",
                newName: "last_value");

            migrationBuilder.RenameColumn(
                name: "triggered_at",
                table: "alert_client_states",
                newName: "since");

            migrationBuilder.RenameColumn(
                name: "evaluated_at",
                table: "alert_client_states",
                newName: "last_evaluated_at");

            migrationBuilder.AddColumn<string>(
                name: "webhook_url",
                table: "alerts",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "channel",
                table: "alert_notifications",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "target",
                table: "alert_notifications",
                type: "TEXT",
                maxLength: 2000,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<bool>(
                name: "in_alarm",
                table: "alert_client_states",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "ix_alert_notifications_alert_id_sent_at",
                table: "alert_notifications",
                columns: new[] { "alert_id", "sent_at" });

            migrationBuilder.CreateIndex(
                name: "ix_alert_client_states_client_id",
                table: "alert_client_states",
                column: "client_id");
        }
    }
}
