using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Licensing;

internal sealed class TenantSkuConfiguration : IEntityTypeConfiguration<TenantSku>
{
    public void Configure(EntityTypeBuilder<TenantSku> builder)
    {
        builder.HasKey(s => new { s.TenantId, s.SkuId });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(s => s.TenantId).OnDelete(DeleteBehavior.Cascade);
    }
}
