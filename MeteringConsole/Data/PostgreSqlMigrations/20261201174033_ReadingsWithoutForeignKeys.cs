using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MeteringConsole.Data.PostgreSqlMigrations
{
    /// <inheritdoc />
    public partial class ReadingsWithoutForeignKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_usage_readings_assets_asset_id",
                table: "usage_readings");

            migrationBuilder.DropForeignKey(
                name: "fk_usage_readings_unit_types_unit_type_id",
                table: "usage_readings");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "fk_usage_readings_assets_asset_id",
                table: "usage_readings",
                column: "asset_id",
                principalTable: "assets",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_usage_readings_unit_types_unit_type_id",
                table: "usage_readings",
                column: "unit_type_id",
                principalTable: "unit_types",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
