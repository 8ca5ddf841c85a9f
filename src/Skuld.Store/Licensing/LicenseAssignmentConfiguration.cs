using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Licensing;

internal sealed class LicenseAssignmentConfiguration : IEntityTypeConfiguration<LicenseAssignment>
{
    public void Configure(EntityTypeBuilder<LicenseAssignment> builder)
    {
        builder.HasKey(a => new { a.TenantId, a.UserId, a.SkuId, a.SourceId });
        // A user's license rows go with the user.
        builder.HasOne<User>().WithMany().HasForeignKey(a => new { a.TenantId, a.UserId }).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(a => new { a.TenantId, a.SkuId });
        // A group's rows: members in error, users who left a licensed group.
        builder.HasIndex(a => new { a.TenantId, a.SourceId, a.UserId });
        builder.Property(a => a.State).HasMaxLength(32);
        builder.Property(a => a.Error).HasMaxLength(64);
    }
}
