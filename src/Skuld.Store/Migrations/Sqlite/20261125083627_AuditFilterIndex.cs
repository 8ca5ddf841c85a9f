using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Sqlite
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
                type: "TEXT",
                maxLength: 1024,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "audit_event_targets",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    event_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    target_id = table.Column<Guid>(type: "TEXT", nullable: false)
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

            // Backfill from the JSON the events already hold. EF keeps GUIDs upper-case on SQLite; the key is
            // User.KeyOf (upper invariant), which upper() matches for the ASCII that user principal names are made of.
            migrationBuilder.Sql("""
                UPDATE audit_events
                SET initiated_by_user_principal_name_key = upper(json_extract(initiated_by, '$.user.userPrincipalName'))
                WHERE initiated_by_user_id IS NOT NULL AND json_valid(initiated_by);
                """);
            migrationBuilder.Sql("""
                INSERT OR IGNORE INTO audit_event_targets (tenant_id, event_id, target_id)
                SELECT e.tenant_id, e.id, upper(json_extract(t.value, '$.id'))
                FROM audit_events e, json_each(e.target_resources) t
                WHERE json_valid(e.target_resources) AND json_extract(t.value, '$.id') IS NOT NULL;
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
