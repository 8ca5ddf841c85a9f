using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "signing_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    key = table.Column<byte[]>(type: "BLOB", nullable: false),
                    created_date_time = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_signing_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    domain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    initial_domain = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    country_letter_code = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    nested_group_licensing = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_date_time = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "app_registrations",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    app_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: false),
                    secret_hash = table.Column<string>(type: "TEXT", nullable: false),
                    created_date_time = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_app_registrations", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_app_registrations_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    activity_date_time = table.Column<long>(type: "INTEGER", nullable: false),
                    activity_display_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    category = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    result = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    result_reason = table.Column<string>(type: "TEXT", nullable: true),
                    operation_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    correlation_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    logged_by_service = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    initiated_by_user_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    initiated_by_app_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    initiated_by = table.Column<string>(type: "TEXT", nullable: false),
                    target_resources = table.Column<string>(type: "TEXT", nullable: false),
                    additional_details = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_audit_events_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "role_assignments",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    principal_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_role_assignments", x => new { x.tenant_id, x.principal_id, x.role });
                    table.ForeignKey(
                        name: "FK_role_assignments_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "subscriptions",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    enabled_units = table.Column<int>(type: "INTEGER", nullable: false),
                    warning_units = table.Column<int>(type: "INTEGER", nullable: false),
                    suspended_units = table.Column<int>(type: "INTEGER", nullable: false),
                    locked_out_units = table.Column<int>(type: "INTEGER", nullable: false),
                    created_date_time = table.Column<long>(type: "INTEGER", nullable: false),
                    next_lifecycle_date_time = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_subscriptions", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_subscriptions_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_products",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    part_number = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: false),
                    plans = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_products", x => new { x.tenant_id, x.sku_id });
                    table.ForeignKey(
                        name: "FK_tenant_products_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tenant_skus",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    enabled_units = table.Column<int>(type: "INTEGER", nullable: false),
                    warning_units = table.Column<int>(type: "INTEGER", nullable: false),
                    suspended_units = table.Column<int>(type: "INTEGER", nullable: false),
                    locked_out_units = table.Column<int>(type: "INTEGER", nullable: false),
                    consumed_units = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenant_skus", x => new { x.tenant_id, x.sku_id });
                    table.ForeignKey(
                        name: "FK_tenant_skus_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_principal_name = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    user_principal_name_key = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: false),
                    given_name = table.Column<string>(type: "TEXT", nullable: true),
                    surname = table.Column<string>(type: "TEXT", nullable: true),
                    job_title = table.Column<string>(type: "TEXT", nullable: true),
                    department = table.Column<string>(type: "TEXT", nullable: true),
                    company_name = table.Column<string>(type: "TEXT", nullable: true),
                    country = table.Column<string>(type: "TEXT", nullable: true),
                    city = table.Column<string>(type: "TEXT", nullable: true),
                    office_location = table.Column<string>(type: "TEXT", nullable: true),
                    employee_id = table.Column<string>(type: "TEXT", nullable: true),
                    mail = table.Column<string>(type: "TEXT", nullable: true),
                    mail_nickname = table.Column<string>(type: "TEXT", nullable: true),
                    usage_location = table.Column<string>(type: "TEXT", maxLength: 2, nullable: true),
                    account_enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    user_type = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    other_mails = table.Column<string>(type: "TEXT", nullable: false),
                    proxy_addresses = table.Column<string>(type: "TEXT", nullable: false),
                    password_hash = table.Column<string>(type: "TEXT", nullable: true),
                    created_date_time = table.Column<long>(type: "INTEGER", nullable: false),
                    version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_users_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "license_assignments",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    sku_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    source_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    disabled_plans = table.Column<string>(type: "TEXT", nullable: false),
                    state = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    error = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    assigned_date_time = table.Column<long>(type: "INTEGER", nullable: false),
                    last_updated_date_time = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_license_assignments", x => new { x.tenant_id, x.user_id, x.sku_id, x.source_id });
                    table.ForeignKey(
                        name: "FK_license_assignments_users_tenant_id_user_id",
                        columns: x => new { x.tenant_id, x.user_id },
                        principalTable: "users",
                        principalColumns: new[] { "tenant_id", "id" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_app_registrations_app_id",
                table: "app_registrations",
                column: "app_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_activity_date_time",
                table: "audit_events",
                columns: new[] { "tenant_id", "activity_date_time" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id_correlation_id",
                table: "audit_events",
                columns: new[] { "tenant_id", "correlation_id" });

            migrationBuilder.CreateIndex(
                name: "IX_license_assignments_tenant_id_sku_id",
                table: "license_assignments",
                columns: new[] { "tenant_id", "sku_id" });

            migrationBuilder.CreateIndex(
                name: "IX_subscriptions_tenant_id_sku_id",
                table: "subscriptions",
                columns: new[] { "tenant_id", "sku_id" });

            migrationBuilder.CreateIndex(
                name: "IX_tenants_domain",
                table: "tenants",
                column: "domain",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_tenants_initial_domain",
                table: "tenants",
                column: "initial_domain",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_tenant_id_user_principal_name_key",
                table: "users",
                columns: new[] { "tenant_id", "user_principal_name_key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "app_registrations");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "license_assignments");

            migrationBuilder.DropTable(
                name: "role_assignments");

            migrationBuilder.DropTable(
                name: "signing_keys");

            migrationBuilder.DropTable(
                name: "subscriptions");

            migrationBuilder.DropTable(
                name: "tenant_products");

            migrationBuilder.DropTable(
                name: "tenant_skus");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "tenants");
        }
    }
}
