using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditUnsealedIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_sequence",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_activity_date_time_id",
                table: "audit_events",
                columns: new[] { "tenant_id", "activity_date_time", "id" },
                filter: "sequence IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_sequence",
                table: "audit_events",
                columns: new[] { "tenant_id", "sequence" },
                unique: true,
                filter: "sequence IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_activity_date_time_id",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_sequence",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_sequence",
                table: "audit_events",
                columns: new[] { "tenant_id", "sequence" },
                unique: true);
        }
    }
}
