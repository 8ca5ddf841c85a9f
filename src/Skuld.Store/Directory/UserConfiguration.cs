using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Skuld.Store.Directory;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.HasKey(u => new { u.TenantId, u.Id });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(u => u.UserPrincipalName).HasMaxLength(1024);
        builder.Property(u => u.UserPrincipalNameKey).HasMaxLength(1024);
        builder.HasIndex(u => new { u.TenantId, u.UserPrincipalNameKey }).IsUnique();
        builder.Property(u => u.UsageLocation).HasMaxLength(2);
        builder.Property(u => u.UserType).HasMaxLength(16);
        // Optimistic concurrency that works on every database: writers check the version they read.
        builder.Property(u => u.Version).IsConcurrencyToken();
    }
}
