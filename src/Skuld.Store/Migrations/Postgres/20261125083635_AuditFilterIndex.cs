using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditFilterIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "initiated_by_user_principal_name_key",
                table: "audit_events",
                type: "character varying(1024)",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "audit_event_targets",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    target_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_event_targets", x => new { x.tenant_id, x.event_id, x.target_id });
                    table.ForeignKey(
                        name: "FK_audit_event_targets_audit_events_tenant_id_event_id",
                        columns: x => new { x.tenant_id, x.event_id },
                        principalTable: "audit_events",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_id",
                table: "audit_events",
                columns: new[] { "tenant_id", "initiated_by_user_id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                table: "audit_events",
                columns: new[] { "tenant_id", "initiated_by_user_principal_name_key" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_event_targets_tenant_id_target_id_event_id",
                table: "audit_event_targets",
                columns: new[] { "tenant_id", "target_id", "event_id" });

            // Backfill from the JSON the events already hold; the key is User.KeyOf (upper invariant).
            migrationBuilder.Sql("""
                UPDATE audit_events
                SET initiated_by_user_principal_name_key = upper(initiated_by::jsonb -> 'user' ->> 'userPrincipalName')
                WHERE initiated_by_user_id IS NOT NULL;
                """);
            migrationBuilder.Sql("""
                INSERT INTO audit_event_targets (tenant_id, event_id, target_id)
                SELECT DISTINCT e.tenant_id, e.id, (t ->> 'id')::uuid
                FROM audit_events e CROSS JOIN LATERAL jsonb_array_elements(e.target_resources::jsonb) AS t
                WHERE t ->> 'id' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_event_targets");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_id",
                table: "audit_events");

            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_initiated_by_user_principal_name_key",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "initiated_by_user_principal_name_key",
                table: "audit_events");
        }
    }
}
