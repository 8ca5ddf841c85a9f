using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Groups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "groups",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    description = table.Column<string>(type: "TEXT", nullable: true),
                    mail_nickname = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    mail_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    security_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    group_types = table.Column<string>(type: "TEXT", nullable: false),
                    mail = table.Column<string>(type: "TEXT", nullable: true),
                    proxy_addresses = table.Column<string>(type: "TEXT", nullable: false),
                    created_date_time = table.Column<long>(type: "INTEGER", nullable: false),
                    license_processing_state = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_groups", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_groups_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "license_work_items",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    group_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    user_ids = table.Column<string>(type: "TEXT", nullable: false),
                    correlation_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    enqueued_at = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    lease_expires_at = table.Column<long>(type: "INTEGER", nullable: true),
                    phase = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    cursor_added_date_time = table.Column<long>(type: "INTEGER", nullable: true),
                    cursor_member_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    batches = table.Column<int>(type: "INTEGER", nullable: false),
                    successes = table.Column<int>(type: "INTEGER", nullable: false),
                    failures = table.Column<int>(type: "INTEGER", nullable: false),
                    started = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_license_work_items", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_license_work_items_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "license_work_log",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    work_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    batch = table.Column<int>(type: "INTEGER", nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    users = table.Column<int>(type: "INTEGER", nullable: false),
                    committed_at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_license_work_log", x => new { x.tenant_id, x.work_id, x.batch });
                    table.ForeignKey(
                        name: "FK_license_work_log_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "group_licenses",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    group_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    disabled_plans = table.Column<string>(type: "TEXT", nullable: false),
                    assigned_date_time = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_licenses", x => new { x.tenant_id, x.group_id, x.sku_id });
                    table.ForeignKey(
                        name: "FK_group_licenses_groups_tenant_id_group_id",
                        columns: x => new { x.tenant_id, x.group_id },
                        principalTable: "groups",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "group_members",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    group_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    member_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    member_kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    added_date_time = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_members", x => new { x.tenant_id, x.group_id, x.member_id });
                    table.ForeignKey(
                        name: "FK_group_members_groups_tenant_id_group_id",
                        columns: x => new { x.tenant_id, x.group_id },
                        principalTable: "groups",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_license_assignments_tenant_id_source_id_user_id",
                table: "license_assignments",
                columns: new[] { "tenant_id", "source_id", "user_id" });

            migrationBuilder.CreateIndex(
                name: "IX_group_licenses_tenant_id_sku_id",
                table: "group_licenses",
                columns: new[] { "tenant_id", "sku_id" });

            migrationBuilder.CreateIndex(
                name: "IX_group_members_tenant_id_group_id_added_date_time_member_id",
                table: "group_members",
                columns: new[] { "tenant_id", "group_id", "added_date_time", "member_id" });

            migrationBuilder.CreateIndex(
                name: "IX_group_members_tenant_id_member_id",
                table: "group_members",
                columns: new[] { "tenant_id", "member_id" });

            migrationBuilder.CreateIndex(
                name: "IX_groups_tenant_id_display_name",
                table: "groups",
                columns: new[] { "tenant_id", "display_name" });

            migrationBuilder.CreateIndex(
                name: "IX_license_work_items_enqueued_at_id",
                table: "license_work_items",
                columns: new[] { "enqueued_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_license_work_items_tenant_id_group_id",
                table: "license_work_items",
                columns: new[] { "tenant_id", "group_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "group_licenses");

            migrationBuilder.DropTable(
                name: "group_members");

            migrationBuilder.DropTable(
                name: "license_work_items");

            migrationBuilder.DropTable(
                name: "license_work_log");

            migrationBuilder.DropTable(
                name: "groups");

            migrationBuilder.DropIndex(
                name: "IX_license_assignments_tenant_id_source_id_user_id",
                table: "license_assignments");
        }
    }
}
