using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MeteringConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class ContractDatesAndBilledAs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "aggregation",
                table: "billing_readings",
                type: "TEXT",
                maxLength: 10,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "bucket_name",
                table: "billing_readings",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateOnly>(
                name: "ends_on",
                table: "billing_readings",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "source_type",
                table: "billing_readings",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateOnly>(
                name: "starts_on",
                table: "billing_readings",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            migrationBuilder.AddColumn<string>(
                name: "unit_type",
                table: "billing_readings",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateOnly>(
                name: "ends_on",
                table: "billing_buckets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateOnly>(
                name: "starts_on",
                table: "billing_buckets",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateOnly(1, 1, 1));

            // ---- Hand-written backfill (carry over if this migration is regenerated) ----------
            // Contract start of existing buckets: the start of the (default, monthly UTC) period they
            // were created in, or the first period they were already billed for if that is earlier,
            // so history billed before contract dates existed stays billable.
            migrationBuilder.Sql("""
                UPDATE billing_buckets SET starts_on = MIN(
                    date(created_at, 'start of month'),
                    COALESCE((SELECT date(MIN(r.period_start)) FROM billing_readings r WHERE r.bucket_id = billing_buckets.id), '9999-12-31'));
                """);
            // What existing billing readings were billed as: the bucket as it is now, the best record there is.
            migrationBuilder.Sql("""
                UPDATE billing_readings SET
                    bucket_name = (SELECT b.name FROM billing_buckets b WHERE b.id = billing_readings.bucket_id),
                    source_type = (SELECT s.name FROM billing_buckets b JOIN source_types s ON s.id = b.source_type_id WHERE b.id = billing_readings.bucket_id),
                    unit_type = (SELECT u.name FROM billing_buckets b JOIN unit_types u ON u.id = b.unit_type_id WHERE b.id = billing_readings.bucket_id),
                    aggregation = (SELECT b.aggregation FROM billing_buckets b WHERE b.id = billing_readings.bucket_id),
                    starts_on = (SELECT b.starts_on FROM billing_buckets b WHERE b.id = billing_readings.bucket_id),
                    ends_on = (SELECT b.ends_on FROM billing_buckets b WHERE b.id = billing_readings.bucket_id);
                """);
            // ---- End of hand-written backfill -------------------------------------------------
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "aggregation",
                table: "billing_readings");

            migrationBuilder.DropColumn(
                name: "bucket_name",
                table: "billing_readings");

            migrationBuilder.DropColumn(
                name: "ends_on",
                table: "billing_readings");

            migrationBuilder.DropColumn(
                name: "source_type",
                table: "billing_readings");

            migrationBuilder.DropColumn(
                name: "starts_on",
                table: "billing_readings");

            migrationBuilder.DropColumn(
                name: "unit_type",
                table: "billing_readings");

            migrationBuilder.DropColumn(
                name: "ends_on",
                table: "billing_buckets");

            migrationBuilder.DropColumn(
                name: "starts_on",
                table: "billing_buckets");
        }
    }
}
