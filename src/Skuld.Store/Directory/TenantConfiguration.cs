using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skuld.Store.Directory;

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.HasKey(t => t.Id);
        // Domains are stored lower-case, and the same converter lowers the parameter of
        // `t.Domain == text`, so a lookup is case-insensitive on every database.
        builder.Property(t => t.Domain).HasMaxLength(255).HasConversion(v => v.ToLowerInvariant(), v => v);
        builder.Property(t => t.InitialDomain).HasMaxLength(255).HasConversion(v => v.ToLowerInvariant(), v => v);
        builder.Property(t => t.DisplayName).HasMaxLength(256);
        builder.Property(t => t.CountryLetterCode).HasMaxLength(2);
        builder.HasIndex(t => t.Domain).IsUnique();
        builder.HasIndex(t => t.InitialDomain).IsUnique();
    }
}
