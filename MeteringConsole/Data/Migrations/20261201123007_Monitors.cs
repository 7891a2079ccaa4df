using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MeteringConsole.Data.Migrations
{
    /// <inheritdoc />
    public partial class Monitors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "aggregation",
                table: "monitors",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "bucket_id",
                table: "monitors",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_monitors_bucket_id",
                table: "monitors",
                column: "bucket_id");

            migrationBuilder.AddForeignKey(
                name: "fk_monitors_billing_buckets_bucket_id",
                table: "monitors",
                column: "bucket_id",
                principalTable: "billing_buckets",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_monitors_billing_buckets_bucket_id",
                table: "monitors");

            migrationBuilder.DropIndex(
                name: "ix_monitors_bucket_id",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "aggregation",
                table: "monitors");

            migrationBuilder.DropColumn(
                name: "bucket_id",
                table: "monitors");
        }
    }
}
