using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skuld.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Recipients : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "org_contacts",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    given_name = table.Column<string>(type: "text", nullable: true),
                    surname = table.Column<string>(type: "text", nullable: true),
                    mail = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    mail_nickname = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    company_name = table.Column<string>(type: "text", nullable: true),
                    department = table.Column<string>(type: "text", nullable: true),
                    job_title = table.Column<string>(type: "text", nullable: true),
                    proxy_addresses = table.Column<List<string>>(type: "text[]", nullable: false),
                    created_date_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_org_contacts", x => new { x.tenant_id, x.id });
                    table.ForeignKey(
                        name: "FK_org_contacts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "recipient_addresses",
                columns: table => new
                {
                    tenant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    address_key = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false, collation: "C"),
                    object_id = table.Column<Guid>(type: "uuid", nullable: false),
                    address = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    domain = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true, collation: "C"),
                    object_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    is_primary = table.Column<bool>(type: "boolean", nullable: false),
                    quarantined = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_recipient_addresses", x => new { x.tenant_id, x.object_id, x.address_key });
                    table.ForeignKey(
                        name: "FK_recipient_addresses_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_org_contacts_tenant_id_display_name",
                table: "org_contacts",
                columns: new[] { "tenant_id", "display_name" });

            migrationBuilder.CreateIndex(
                name: "ix_recipient_addresses_tenant_domain_key",
                table: "recipient_addresses",
                columns: new[] { "tenant_id", "domain", "address_key" });

            migrationBuilder.CreateIndex(
                name: "ix_recipient_addresses_tenant_key_quarantined",
                table: "recipient_addresses",
                columns: new[] { "tenant_id", "address_key" },
                filter: "quarantined");

            migrationBuilder.CreateIndex(
                name: "ux_recipient_addresses_tenant_key",
                table: "recipient_addresses",
                columns: new[] { "tenant_id", "address_key" },
                unique: true,
                filter: "NOT quarantined");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "org_contacts");

            migrationBuilder.DropTable(
                name: "recipient_addresses");
        }
    }
}
