using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Licensing;

internal sealed class GroupLicenseConfiguration : IEntityTypeConfiguration<GroupLicense>
{
    public void Configure(EntityTypeBuilder<GroupLicense> builder)
    {
        builder.HasKey(l => new { l.TenantId, l.GroupId, l.SkuId });
        builder.HasOne<Group>().WithMany().HasForeignKey(l => new { l.TenantId, l.GroupId }).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(l => new { l.TenantId, l.SkuId });
    }
}
