using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Recipients;

internal sealed class RecipientAddressConfiguration : IEntityTypeConfiguration<RecipientAddress>
{
    public const string UniqueIndex = "ux_recipient_addresses_tenant_key";
    public const string QuarantineIndex = "ix_recipient_addresses_tenant_key_quarantined";
    public const string DomainIndex = "ix_recipient_addresses_tenant_domain_key";

    public void Configure(EntityTypeBuilder<RecipientAddress> builder)
    {
        builder.HasKey(a => new { a.TenantId, a.ObjectId, a.AddressKey });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(a => a.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.AddressKey).HasMaxLength(1024);
        builder.Property(a => a.Address).HasMaxLength(1024);
        builder.Property(a => a.Domain).HasMaxLength(255);
        builder.Property(a => a.ObjectType).HasMaxLength(16);
        // The same filter text on both databases: SQLite reads NOT 0 as true, PostgreSQL has booleans.
        builder.HasIndex(a => new { a.TenantId, a.AddressKey }, UniqueIndex).IsUnique().HasFilter("NOT quarantined");
        builder.HasIndex(a => new { a.TenantId, a.AddressKey }, QuarantineIndex).HasFilter("quarantined");
        builder.HasIndex(a => new { a.TenantId, a.Domain, a.AddressKey }, DomainIndex);
    }
}
