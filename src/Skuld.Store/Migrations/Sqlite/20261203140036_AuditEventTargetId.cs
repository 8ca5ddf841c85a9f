using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditEventTargetId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // No backfill: events written before keep their audit_event_targets rows, and AuditEvent.Names looks in both.
            migrationBuilder.AddColumn<Guid>(
                name: "target_id",
                table: "audit_events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_target_id",
                table: "audit_events",
                columns: new[] { "tenant_id", "target_id" },
                filter: "target_id IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_events_tenant_id_target_id",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "target_id",
                table: "audit_events");
        }
    }
}
