using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PartialInitiatorIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_id",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_id",
                table: "audit_events",
                columns: new[] { "tenant_id", "initiated_by_user_id" },
                filter: "initiated_by_user_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                table: "audit_events",
                columns: new[] { "tenant_id", "initiated_by_user_principal_name_key" },
                filter: "initiated_by_user_principal_name_key IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_id",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                table: "audit_events");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_id",
                table: "audit_events",
                columns: new[] { "tenant_id", "initiated_by_user_id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                table: "audit_events",
                columns: new[] { "tenant_id", "initiated_by_user_principal_name_key" });
        }
    }
}
