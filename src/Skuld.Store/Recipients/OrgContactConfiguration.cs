using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Skuld.Store.Directory;

namespace Skuld.Store.Recipients;

internal sealed class OrgContactConfiguration : IEntityTypeConfiguration<OrgContact>
{
    public void Configure(EntityTypeBuilder<OrgContact> builder)
    {
        builder.HasKey(c => new { c.TenantId, c.Id });
        builder.HasOne<Tenant>().WithMany().HasForeignKey(c => c.TenantId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(c => c.DisplayName).HasMaxLength(256);
        builder.Property(c => c.MailNickname).HasMaxLength(64);
        builder.Property(c => c.Mail).HasMaxLength(1024);
        builder.HasIndex(c => new { c.TenantId, c.DisplayName });
        builder.Property(c => c.Version).IsConcurrencyToken();
    }
}
